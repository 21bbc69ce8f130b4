import type { Role, User } from "@/lib/api/types";
import type { Change } from "../changes";
import { ROLES } from "@/lib/session/roles";
import { ROLE_NAMES } from "../labels";

/** The accounts, each with its role (a change asks first) and the button that deactivates
 * or reactivates it; on a phone-width screen each row becomes a card (styles.css). */
export function PeopleTable({ people, me, onChange }: { people: User[]; me: User; onChange: (change: Change) => void }) {
  return (
    <table className="people">
      <caption className="visually-hidden">People</caption>
      <thead>
        <tr>
          <th scope="col">Name</th>
          <th scope="col">Email</th>
          <th scope="col">Role</th>
          <th scope="col">Account</th>
        </tr>
      </thead>
      <tbody>
        {people.map((person) => (
          <tr key={person.id} className={person.active ? undefined : "inactive"}>
            <th scope="row" data-label="Name">
              {person.name}
              {person.id === me.id && <span className="muted"> (you)</span>}
            </th>
            <td data-label="Email">{person.email}</td>
            <td data-label="Role">
              <select
                aria-label={`Role of ${person.name}`}
                value={person.role}
                onChange={(e) => onChange({ person, changes: { role: e.target.value as Role } })}
              >
                {ROLES.map((role) => (
                  <option key={role} value={role}>
                    {ROLE_NAMES[role]}
                  </option>
                ))}
              </select>
            </td>
            <td data-label="Account">
              <div className="account-cell">
                <span className={person.active ? "badge active" : "badge deactivated"}>{person.active ? "Active" : "Deactivated"}</span>
                <button
                  type="button"
                  className="small"
                  aria-label={`${person.active ? "Deactivate" : "Reactivate"} ${person.name}`}
                  onClick={() => onChange({ person, changes: { active: !person.active } })}
                >
                  {person.active ? "Deactivate" : "Reactivate"}
                </button>
              </div>
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
