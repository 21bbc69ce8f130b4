import { useQueryClient } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import { useNavigate } from "react-router";
import { FieldError } from "@/components/FieldError";
import { describe, errorFor } from "@/components/fieldProps";
import { FormError } from "@/components/FormError";
import { useIdempotentSubmit } from "@/hooks/useIdempotentSubmit";
import type { Priority, TicketCreate } from "@/lib/api/types";
import { useApi } from "@/lib/api/useApi";
import { useDirectory } from "@/lib/directory";
import { keys } from "@/lib/queryKeys";
import { useSlaPolicies } from "@/lib/slaPolicies";
import { useLimits } from "@/lib/uiConfig";
import { isStaff } from "@/lib/session/roles";
import { useUser } from "@/lib/session/useSession";
import { createTicket } from "../api/writes";
import { PRIORITIES, PRIORITY_LABELS } from "../labels";
import { formatSpan } from "../sla";

const FIELDS = ["title", "description", "priority", "assignee_id", "sla_minutes"] as const;

export function NewTicketPage() {
  const api = useApi();
  const user = useUser();
  const staff = isStaff(user);
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const directory = useDirectory();
  // The service's limits (GET /api/ui-config): until they arrive, the form works without
  // the hints and the length cap, and the API's own checks still answer beside the field.
  const limits = useLimits();
  // Agents and admins see the policies as an admin last set them; ui-config's defaults
  // otherwise (and until the policies arrive).
  const policies = useSlaPolicies({ enabled: staff });
  const policy = (p: Priority) => policies.data?.find((candidate) => candidate.priority === p);
  const defaultSla = (p: Priority): number | undefined => policy(p)?.resolution_minutes ?? limits?.default_sla_minutes[p];
  const optionText = (p: Priority): string => {
    const minutes = defaultSla(p);
    if (minutes === undefined) return PRIORITY_LABELS[p];
    const hours = policy(p)?.business_hours ? " of business hours" : "";
    return `${PRIORITY_LABELS[p]} (resolve within ${formatSpan(minutes * 60_000)}${hours})`;
  };
  const [title, setTitle] = useState("");
  const [description, setDescription] = useState("");
  const [priority, setPriority] = useState<Priority>("medium");
  const [assignee, setAssignee] = useState("");
  const [slaMinutes, setSlaMinutes] = useState("");
  const create = useIdempotentSubmit(
    (body: TicketCreate, idempotencyKey: string) => createTicket(api, body, idempotencyKey),
    (ticket) => {
      void queryClient.invalidateQueries({ queryKey: keys.tickets });
      navigate(`/tickets/${ticket.id}`);
    },
  );

  /** Any edit makes the next submission a new one (with its own key). */
  function edit<T>(setter: (value: T) => void) {
    return (value: T) => {
      create.edited();
      setter(value);
    };
  }

  function submit(event: FormEvent) {
    event.preventDefault();
    const body: TicketCreate = { title, description, priority };
    if (staff && assignee) body.assignee_id = Number(assignee);
    if (staff && slaMinutes.trim()) body.sla_minutes = /^\d+$/.test(slaMinutes.trim()) ? Number(slaMinutes) : (slaMinutes as unknown as number);
    // Nothing while the first is on its way (a double click); a retry reuses its key.
    create.submit(body);
  }

  const { error, isPending } = create.mutation;
  const titleError = errorFor(error, "title");
  const descriptionError = errorFor(error, "description");
  const priorityError = errorFor(error, "priority");
  const assigneeError = errorFor(error, "assignee_id");
  const slaError = errorFor(error, "sla_minutes");
  return (
    <section className="narrow">
      <h1>New ticket</h1>
      <form onSubmit={submit} noValidate aria-busy={isPending}>
        <FormError error={error} fields={FIELDS} />
        <label htmlFor="title">Title</label>
        <input
          {...describe("title", titleError)}
          required
          maxLength={limits?.title_max_length}
          value={title}
          onChange={(e) => edit(setTitle)(e.target.value)}
        />
        <FieldError id="title" message={titleError} />

        <label htmlFor="description">Description</label>
        <textarea
          {...describe("description", descriptionError)}
          rows={6}
          value={description}
          onChange={(e) => edit(setDescription)(e.target.value)}
        />
        <FieldError id="description" message={descriptionError} />

        <label htmlFor="priority">Priority</label>
        <select {...describe("priority", priorityError)} value={priority} onChange={(e) => edit(setPriority)(e.target.value as Priority)}>
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
            <select {...describe("assignee_id", assigneeError)} value={assignee} onChange={(e) => edit(setAssignee)(e.target.value)}>
              <option value="">Unassigned</option>
              {directory.assignable.map((u) => (
                <option key={u.id} value={u.id}>
                  {u.name} ({u.role})
                </option>
              ))}
            </select>
            <FieldError id="assignee_id" message={assigneeError} />

            <label htmlFor="sla_minutes">SLA in minutes</label>
            <input
              {...describe("sla_minutes", slaError)}
              inputMode="numeric"
              placeholder={defaultSla(priority) === undefined ? undefined : `default for the priority: ${defaultSla(priority)}`}
              value={slaMinutes}
              onChange={(e) => edit(setSlaMinutes)(e.target.value)}
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
