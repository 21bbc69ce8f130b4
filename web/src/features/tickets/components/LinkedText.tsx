import { splitLinks } from "../links";

/** Text with its http(s) addresses as links, opened in a new tab without giving that page
 * a hold on this one (noopener) or the address it came from (noreferrer). */
export function LinkedText({ text }: { text: string }) {
  return (
    <>
      {splitLinks(text).map((part, index) =>
        "href" in part ? (
          <a key={index} href={part.href} target="_blank" rel="noopener noreferrer">
            {part.text}
          </a>
        ) : (
          part.text
        ),
      )}
    </>
  );
}
