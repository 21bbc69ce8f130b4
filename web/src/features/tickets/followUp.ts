// A follow-up ticket's form is the new-ticket form, told which closed ticket it follows up
// by its address (so the button, a bookmark and a reload open the same form).

const PARAM = "follow_up_of";

/** The new-ticket form, to follow up the closed ticket `ticketId`. */
export function followUpPath(ticketId: number): string {
  return `/tickets/new?${PARAM}=${ticketId}`;
}

/** The ticket the form follows up, from its address; null when none, or not an id. */
export function followedUp(params: URLSearchParams): number | null {
  const given = params.get(PARAM);
  if (given === null || !/^[1-9]\d{0,9}$/.test(given)) return null;
  return Number(given);
}
