import { describe, expect, it } from "vitest";
import { currentView, readFilters, toListFilters, VIEWS, viewFilters, viewSearch } from "./filters";
import { formatCount } from "./components/ViewTabs";
import { ariaSort, parseSort } from "./sort";

const url = (search: string) => new URLSearchParams(search);
const labelOf = (search: string) => currentView(url(search))?.label;

describe("the queue's views", () => {
  it("is the view whose filters the URL holds, whatever the sort or page", () => {
    expect(labelOf("")).toBe("All open");
    expect(labelOf("sort=-priority&offset=20")).toBe("All open");
    expect(labelOf("status=open,in_progress,pending,on_hold")).toBe("All open");
    expect(labelOf("assignee=none")).toBe("Unassigned");
    expect(labelOf("assignee=me&sort=due_at")).toBe("Mine");
    expect(labelOf("breached=true")).toBe("Breached");
    expect(labelOf("assignee=me&breached=true")).toBeUndefined();
    expect(labelOf("status=open")).toBeUndefined();
    expect(labelOf("query=printer")).toBeUndefined();
  });

  it("links each view with the sort kept, and counts it with the open statuses", () => {
    const mine = VIEWS.find((v) => v.label === "Mine")!;
    expect(viewSearch(mine, url("query=x&sort=-priority&offset=20"))).toBe("?assignee=me&sort=-priority");
    expect(viewSearch(VIEWS.find((v) => v.label === "All open")!, url("assignee=me"))).toBe("");
    expect(viewFilters(mine)).toEqual({ status: "open,in_progress,pending,on_hold", assignee: "me" });
    expect(viewFilters(VIEWS.find((v) => v.label === "Breached")!)).toEqual({ status: "open,in_progress,pending,on_hold", breached: "true" });
  });

  it("reads the filters as the API takes them", () => {
    expect(toListFilters(readFilters(url("status=&first_response_breached=true"), false))).toEqual({ first_response_breached: "true" });
    // The breached view: every status unless told, and no "breached only" of its own.
    expect(toListFilters(readFilters(url("breached=true"), true))).toEqual({});
  });
});

describe("the sort", () => {
  it("is one of the API's four, or the page's own", () => {
    expect(parseSort("-priority", "due_at")).toBe("-priority");
    expect(parseSort(null, "due_at")).toBe("due_at");
    expect(parseSort("title", "-created_at")).toBe("-created_at");
  });

  it("tells its direction on the sorted column only", () => {
    expect(ariaSort("due_at", "due_at")).toBe("ascending");
    expect(ariaSort("-updated_at", "-updated_at")).toBe("descending");
    expect(ariaSort("-priority", "due_at")).toBeUndefined();
  });
});

describe("a view's count", () => {
  it("is exact up to 10,000, and says so when the API only estimates", () => {
    expect(formatCount({ count: 9_999, exact: true })).toBe("9,999");
    expect(formatCount({ count: 123_456, exact: false })).toBe("10,000+");
    expect(formatCount({ count: 9_800, exact: false })).toBe("~9,800");
  });
});
