import { useState } from "react";
import { useSearchParams } from "react-router";
import { Empty } from "@/components/Empty";
import { LoadError } from "@/components/LoadError";
import { Loading } from "@/components/Loading";
import { Pager } from "@/components/Pager";
import { ROLES } from "@/lib/session/roles";
import { useUser } from "@/lib/session/useSession";
import { useLimits } from "@/lib/uiConfig";
import { usePeople, type PeopleFilters as Filters } from "../api/usePeople";
import { A_ROLE, type Change } from "../changes";
import { AddPersonDialog } from "./AddPersonDialog";
import { ConfirmChangeDialog } from "./ConfirmChangeDialog";
import { PeopleFilters } from "./PeopleFilters";
import { PeopleTable } from "./PeopleTable";

/** The admins' people page: everyone's account, found by name or email, role or whether
 * it is active (the filters are in the URL); an admin adds agents and admins, changes a
 * role, deactivates or reactivates an account, each after a confirmation. Whether a change
 * is allowed is the service's call (no admin demotes themselves; the desk keeps an admin):
 * the dialog says its refusal in words. */
export function PeoplePage() {
  const me = useUser();
  const limits = useLimits();
  const [params, setParams] = useSearchParams();
  const role = params.get("role") ?? "";
  const active = params.get("active") ?? "";
  const filters: Filters = {
    query: params.get("query") ?? "",
    role: ROLES.find((known) => known === role) ?? "",
    active: active === "true" || active === "false" ? active : "",
    offset: Math.max(0, Number(params.get("offset")) || 0),
  };
  const list = usePeople(filters);
  const [adding, setAdding] = useState(false);
  const [change, setChange] = useState<Change | null>(null);
  const [notice, setNotice] = useState<string | null>(null);

  /** Change some filters (back to the first page), or the page. */
  function go(next: Partial<Filters>) {
    const merged = { ...filters, offset: 0, ...next };
    const values: Record<string, string> = {};
    if (merged.query) values.query = merged.query;
    if (merged.role) values.role = merged.role;
    if (merged.active) values.active = merged.active;
    if (merged.offset) values.offset = String(merged.offset);
    setParams(values);
  }

  const items = list.data?.items;
  let content;
  if (list.isLoading) content = <Loading what="people" />;
  else if (list.error) content = <LoadError error={list.error} retry={() => void list.refetch()} />;
  else if (!items?.length) content = <Empty>No one matches these filters.</Empty>;
  else
    content = (
      <>
        <PeopleTable
          people={items}
          me={me}
          onChange={(next) => {
            setNotice(null);
            setChange(next);
          }}
        />
        {limits && <Pager offset={filters.offset} count={items.length} pageSize={limits.page_size} nextOffset={list.data!.next_offset} onOffset={(offset) => go({ offset })} />}
      </>
    );

  return (
    <section className="people-page">
      <div className="page-head">
        <h1 tabIndex={-1}>People</h1>
        <button type="button" className="primary" onClick={() => setAdding(true)}>
          Add an agent or admin
        </button>
      </div>
      {notice && (
        <p className="notice" role="status">
          {notice}
        </p>
      )}
      <PeopleFilters filters={filters} onChange={go} />
      {content}
      <AddPersonDialog
        open={adding}
        onClose={() => setAdding(false)}
        onAdded={(person) => {
          setAdding(false);
          setNotice(`${person.name} was added as ${A_ROLE[person.role]}: they can sign in with ${person.email} and the password you gave.`);
        }}
      />
      <ConfirmChangeDialog
        change={change}
        onClose={() => setChange(null)}
        onDone={(done) => {
          setChange(null);
          setNotice(done);
        }}
      />
    </section>
  );
}
