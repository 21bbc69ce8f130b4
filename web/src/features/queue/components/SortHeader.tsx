import { ariaSort, SORTS, type Sort } from "../sort";

/** A column header that sorts the list by its column (the API's `sort`) on a click. */
export function SortHeader({ sort, current, onSort, className }: { sort: Sort; current: Sort; onSort: (sort: Sort) => void; className: string }) {
  const { column, words } = SORTS.find((s) => s.sort === sort)!;
  const direction = ariaSort(sort, current);
  return (
    <th scope="col" className={className} aria-sort={direction}>
      <button type="button" className="sort" title={`Sort: ${words.toLowerCase()}`} onClick={() => onSort(sort)}>
        {column}
        <span className="sort-mark" aria-hidden="true">
          {direction === "ascending" ? " ▲" : direction === "descending" ? " ▼" : ""}
        </span>
      </button>
    </th>
  );
}
