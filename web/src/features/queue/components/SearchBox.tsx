import { useEffect, useState, type FormEvent } from "react";

/** The list's word search (title, description, comments), sent on submit. */
export function SearchBox({ query, onSearch, label, placeholder }: { query: string; onSearch: (query: string | null) => void; label: string; placeholder: string }) {
  const [text, setText] = useState(query);
  // The URL is the truth: back/forward or a cleared filter show here.
  useEffect(() => setText(query), [query]);

  function submit(event: FormEvent) {
    event.preventDefault();
    onSearch(text.trim() || null);
  }

  return (
    <form className="search" role="search" aria-label={label} onSubmit={submit}>
      <label htmlFor="search">Search</label>
      <input id="search" type="search" value={text} placeholder={placeholder} onChange={(e) => setText(e.target.value)} />
      <button type="submit">Search</button>
    </form>
  );
}
