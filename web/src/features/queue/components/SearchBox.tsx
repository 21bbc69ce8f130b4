import { useEffect, useRef, useState, type FormEvent } from "react";
import { isForAField } from "../keyboard";

/** The list's word search (title, description, comments), sent on submit; "/" anywhere on
 * the page (but in a field) puts the cursor in it. */
export function SearchBox({ query, onSearch, label, placeholder }: { query: string; onSearch: (query: string | null) => void; label: string; placeholder: string }) {
  const [text, setText] = useState(query);
  const input = useRef<HTMLInputElement>(null);
  // The URL is the truth: back/forward or a cleared filter show here.
  useEffect(() => setText(query), [query]);
  useEffect(() => {
    function onKey(event: KeyboardEvent) {
      if (event.key !== "/" || isForAField(event)) return;
      event.preventDefault();
      input.current?.focus();
      input.current?.select();
    }
    document.addEventListener("keydown", onKey);
    return () => document.removeEventListener("keydown", onKey);
  }, []);

  function submit(event: FormEvent) {
    event.preventDefault();
    onSearch(text.trim() || null);
  }

  return (
    <form className="search" role="search" aria-label={label} onSubmit={submit}>
      <label htmlFor="search">Search</label>
      <input ref={input} id="search" type="search" value={text} placeholder={placeholder} onChange={(e) => setText(e.target.value)} />
      <button type="submit">Search</button>
    </form>
  );
}
