// Web addresses in a description or a comment, as links. Only http(s) addresses become
// links: the text is the requester's or anyone's, and a `javascript:` or `data:` address
// made clickable would run in the desk's page for whoever clicks it.

export type TextPart = { text: string } | { text: string; href: string };

// From http:// or https:// up to a space or a character that cannot be part of an address
// as people write them in text (quotes, angle brackets).
const ADDRESS = /\bhttps?:\/\/[^\s<>"'`]+/gi;
// Punctuation that ends a sentence rather than the address ("see https://x.example/a.").
const TRAILING = /[.,;:!?]+$/;

/** `url` as a link's href, when it is an http(s) address a browser can open; else null. */
export function safeHref(url: string): string | null {
  try {
    const parsed = new URL(url);
    return parsed.protocol === "http:" || parsed.protocol === "https:" ? parsed.href : null;
  } catch {
    return null;
  }
}

/** One address found in text, without the sentence's punctuation after it; a closing
 * bracket stays only when the address opened one ("…/Rust_(language)"). */
function trimAddress(found: string): string {
  let address = found.replace(TRAILING, "");
  while (address.endsWith(")") && (address.match(/\(/g) ?? []).length < (address.match(/\)/g) ?? []).length) {
    address = address.slice(0, -1).replace(TRAILING, "");
  }
  return address;
}

/** The text in parts: plain text, and http(s) addresses with their href. */
export function splitLinks(text: string): TextPart[] {
  const parts: TextPart[] = [];
  let plainFrom = 0;
  for (const match of text.matchAll(ADDRESS)) {
    const start = match.index;
    const address = trimAddress(match[0]);
    const href = safeHref(address);
    if (!href) continue;
    if (start > plainFrom) parts.push({ text: text.slice(plainFrom, start) });
    parts.push({ text: address, href });
    plainFrom = start + address.length;
  }
  if (plainFrom < text.length) parts.push({ text: text.slice(plainFrom) });
  return parts;
}
