// How the app writes dates, numbers and sentences, the same on every page.

const dateTime = new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeStyle: "short" });
const numbers = new Intl.NumberFormat("en-GB");

export function formatDateTime(iso: string): string {
  return dateTime.format(new Date(iso));
}

/** "1,440": numbers as a person reads them. */
export function formatNumber(value: number): string {
  return numbers.format(value);
}

/** "Sent in time" from "sent in time": words that start a sentence or a label. */
export function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
