import { useEffect, useState, type FormEvent } from "react";
import type { Role } from "@/lib/api/types";
import type { PeopleFilters as Filters } from "../api/usePeople";
import { ROLES } from "@/lib/session/roles";
import { ROLE_NAMES } from "../labels";

type Change = Partial<Pick<Filters, "query" | "role" | "active">>;

/** Search by name or email (sent on submit), and the role and active filters (at once). */
export function PeopleFilters({ filters, onChange }: { filters: Filters; onChange: (change: Change) => void }) {
  const [text, setText] = useState(filters.query);
  // The URL is the truth: back/forward or a cleared filter show here.
  useEffect(() => setText(filters.query), [filters.query]);

  function search(event: FormEvent) {
    event.preventDefault();
    onChange({ query: text.trim() });
  }

  return (
    <div className="filters" role="group" aria-label="Filter people">
      <form className="search" role="search" aria-label="Search people" onSubmit={search}>
        <label htmlFor="people-search">Name or email</label>
        <input id="people-search" type="search" value={text} onChange={(e) => setText(e.target.value)} />
        <button type="submit">Search</button>
      </form>
      <div>
        <label htmlFor="people-role">Role</label>
        <select id="people-role" value={filters.role} onChange={(e) => onChange({ role: e.target.value as Role | "" })}>
          <option value="">Any role</option>
          {ROLES.map((role) => (
            <option key={role} value={role}>
              {ROLE_NAMES[role]}
            </option>
          ))}
        </select>
      </div>
      <div>
        <label htmlFor="people-active">Account</label>
        <select id="people-active" value={filters.active} onChange={(e) => onChange({ active: e.target.value as Filters["active"] })}>
          <option value="">Active or deactivated</option>
          <option value="true">Active</option>
          <option value="false">Deactivated</option>
        </select>
      </div>
    </div>
  );
}
