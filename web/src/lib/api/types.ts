// The API's shapes under the names the app uses, from the generated schema.d.ts.
import type { components } from "@/api/schema";

type Schemas = components["schemas"];
export type Ticket = Schemas["TicketOut"];
export type TicketDetail = Schemas["TicketDetail"];
export type TicketCreate = Schemas["TicketCreate"];
export type TicketUpdate = Schemas["TicketUpdate"];
export type Comment = Schemas["CommentOut"];
export type TimelineEntry = Schemas["TimelineOut"];
export type User = Schemas["UserOut"];
export type Status = Schemas["Status"];
export type Priority = Schemas["Priority"];
export type UserPage = Schemas["Page_UserOut_"];
export type UiConfig = Schemas["UiConfig"];
export type Limits = Schemas["Limits"];
export type Person = Schemas["Person"];
export type Role = Schemas["Role"];
export type CommentCreate = Schemas["CommentCreate"];
export type SlaPolicy = Schemas["SlaPolicyOut"];
export type SlaPolicyIn = Schemas["SlaPolicyIn"];
export type BusinessHours = Schemas["BusinessHoursOut"];
export type BusinessHoursIn = Schemas["BusinessHoursIn"];
export type TokenOut = Schemas["TokenOut"];
