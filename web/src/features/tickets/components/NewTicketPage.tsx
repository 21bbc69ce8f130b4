import { useQueryClient } from "@tanstack/react-query";
import { useEffect, useRef, useState, type FormEvent } from "react";
import { useNavigate, useSearchParams } from "react-router";
import { FieldError } from "@/components/FieldError";
import { describe } from "@/components/fieldProps";
import { FormError } from "@/components/FormError";
import { useIdempotentSubmit } from "@/hooks/useIdempotentSubmit";
import { checkErrors, checkWholeNumber, formErrors, withoutField, type FormErrors } from "@/lib/apiErrors";
import type { Priority, TicketCreate } from "@/lib/api/types";
import { useApi } from "@/lib/api/useApi";
import { useAssignees } from "@/lib/useAssignees";
import { keys } from "@/lib/queryKeys";
import { useLimits } from "@/lib/uiConfig";
import { useFocusInvalid } from "@/lib/useFocusInvalid";
import { isStaff } from "@/lib/session/roles";
import { useUser } from "@/lib/session/useSession";
import { useDefaultSla } from "../api/useDefaultSla";
import { useTicket } from "../api/useTicket";
import { createTicket } from "../api/writes";
import { followedUp } from "../followUp";
import { PRIORITIES, PRIORITY_LABELS } from "@/lib/tickets/labels";
import { assigneeLabel } from "../people";
import { formatSpan } from "@/lib/tickets/sla";
import { slaWords, ticketWords } from "../words";
import { FollowUpOf } from "./FollowUpOf";

export function NewTicketPage() {
  const api = useApi();
  const user = useUser();
  const staff = isStaff(user);
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const assignees = useAssignees(staff);
  // The service's limits (GET /api/ui-config): until they arrive, the form works without
  // the hints and the length cap, and the API's own checks still answer beside the field.
  const limits = useLimits();
  // Agents and admins see the policies as an admin last set them; ui-config's defaults
  // otherwise (and until the policies arrive).
  const defaults = useDefaultSla();
  const optionText = (p: Priority): string => {
    const minutes = defaults.minutes(p);
    if (minutes === undefined) return PRIORITY_LABELS[p];
    const hours = defaults.policy(p)?.business_hours ? " of business hours" : "";
    return `${PRIORITY_LABELS[p]} (resolve within ${formatSpan(minutes * 60_000)}${hours})`;
  };
  // A follow-up of a closed ticket ("Open a follow-up" there): its title to start from,
  // as the follow-ups of the helpdesks people know keep their ticket's subject.
  const [params] = useSearchParams();
  const followUpOf = followedUp(params);
  const followed = useTicket(followUpOf ?? 0).data?.ticket;
  const [title, setTitle] = useState("");
  const [titleTouched, setTitleTouched] = useState(false);
  useEffect(() => {
    if (followed && !titleTouched) setTitle(followed.title);
  }, [followed, titleTouched]);
  const [description, setDescription] = useState("");
  const [priority, setPriority] = useState<Priority>("medium");
  const [assignee, setAssignee] = useState("");
  const [slaMinutes, setSlaMinutes] = useState("");
  const [checked, setChecked] = useState<FormErrors | null>(null);
  const form = useRef<HTMLFormElement>(null);
  const focusInvalid = useFocusInvalid(form);
  const create = useIdempotentSubmit(
    (body: TicketCreate, idempotencyKey: string) => createTicket(api, body, idempotencyKey),
    (ticket) => {
      void queryClient.invalidateQueries({ queryKey: keys.tickets });
      // The closed ticket's page lists its follow-ups: this one now.
      if (followUpOf !== null) void queryClient.invalidateQueries({ queryKey: keys.ticket(followUpOf) });
      navigate(`/tickets/${ticket.id}`);
    },
  );

  /** Any edit makes the next submission a new one (with its own key), and takes back what
   * the checks said of that field. */
  function edit<T>(setter: (value: T) => void, field: string) {
    return (value: T) => {
      create.edited();
      setChecked((current) => withoutField(current, field));
      setter(value);
    };
  }

  function submit(event: FormEvent) {
    event.preventDefault();
    // What the form can tell before sending: a title, and an SLA in the API's range.
    const found = checkErrors({
      title: title.trim() ? undefined : "Title is required",
      sla_minutes: staff ? checkWholeNumber(slaMinutes, "SLA", slaWords(limits).range!) : undefined,
    });
    setChecked(found.summary ? found : null);
    if (found.summary) focusInvalid();
    if (found.summary) return;
    const body: TicketCreate = { title, description, priority };
    if (followUpOf !== null) body.follow_up_of = followUpOf;
    if (staff && assignee) body.assignee_id = Number(assignee);
    if (staff && slaMinutes.trim()) body.sla_minutes = Number(slaMinutes.trim());
    // Nothing while the first is on its way (a double click); a retry reuses its key.
    create.submit(body);
  }

  const { error, isPending } = create.mutation;
  const shown = checked ?? formErrors(error, { ...ticketWords(limits), follow_up_of: "Follow-up of" });
  const titleError = shown.fields.title;
  const descriptionError = shown.fields.description;
  const priorityError = shown.fields.priority;
  const assigneeError = shown.fields.assignee_id;
  const slaError = shown.fields.sla_minutes;
  const slaDefault = defaults.minutes(priority);
  return (
    <section className="narrow">
      <h1 tabIndex={-1}>{followUpOf === null ? "New ticket" : "New follow-up"}</h1>
      <form ref={form} onSubmit={submit} noValidate aria-busy={isPending}>
        <FormError error={shown.summary ? new Error(shown.summary) : null} />
        {followUpOf !== null && <FollowUpOf id={followUpOf} ticket={followed} error={shown.fields.follow_up_of} />}
        <label htmlFor="title">Title</label>
        <input
          {...describe("title", titleError)}
          autoFocus
          required
          maxLength={limits?.title_max_length}
          value={title}
          onChange={(e) => {
            setTitleTouched(true);
            edit(setTitle, "title")(e.target.value);
          }}
        />
        <FieldError id="title" message={titleError} />

        <label htmlFor="description">Description</label>
        <textarea
          {...describe("description", descriptionError)}
          rows={6}
          value={description}
          onChange={(e) => edit(setDescription, "description")(e.target.value)}
        />
        <FieldError id="description" message={descriptionError} />

        <label htmlFor="priority">Priority</label>
        <select {...describe("priority", priorityError)} value={priority} onChange={(e) => edit(setPriority, "priority")(e.target.value as Priority)}>
          {PRIORITIES.map((p) => (
            <option key={p} value={p}>
              {optionText(p)}
            </option>
          ))}
        </select>
        <FieldError id="priority" message={priorityError} />

        {staff && (
          <>
            <label htmlFor="assignee_id">Assignee</label>
            <select {...describe("assignee_id", assigneeError)} value={assignee} onChange={(e) => edit(setAssignee, "assignee_id")(e.target.value)}>
              <option value="">Unassigned</option>
              {assignees.data?.map((u) => (
                <option key={u.id} value={u.id}>
                  {assigneeLabel(u, user)}
                </option>
              ))}
            </select>
            <FieldError id="assignee_id" message={assigneeError} />

            <label htmlFor="sla_minutes">SLA in minutes</label>
            <input
              {...describe("sla_minutes", slaError)}
              inputMode="numeric"
              placeholder={slaDefault === undefined ? undefined : `default for the priority: ${slaDefault}`}
              value={slaMinutes}
              onChange={(e) => edit(setSlaMinutes, "sla_minutes")(e.target.value)}
            />
            <FieldError id="sla_minutes" message={slaError} />
          </>
        )}
        <div className="actions">
          <button type="submit" className="primary" disabled={isPending}>
            {isPending ? "Creating…" : "Create ticket"}
          </button>
        </div>
      </form>
    </section>
  );
}
