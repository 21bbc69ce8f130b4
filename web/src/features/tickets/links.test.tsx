// Addresses in a ticket's text become links only when they are http(s): a `javascript:`
// address stays plain text, never an <a> someone could click.
import { render, screen } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { LinkedText } from "./components/LinkedText";
import { safeHref, splitLinks } from "./links";

describe("addresses in text", () => {
  it("become links when http or https, without the sentence's punctuation", () => {
    expect(splitLinks("See https://example.com/kb?id=4, or http://wiki.example/Printer_(floor_3).")).toEqual([
      { text: "See " },
      { text: "https://example.com/kb?id=4", href: "https://example.com/kb?id=4" },
      { text: ", or " },
      { text: "http://wiki.example/Printer_(floor_3)", href: "http://wiki.example/Printer_(floor_3)" },
      { text: "." },
    ]);
    expect(splitLinks("(see https://example.com/a)")).toEqual([{ text: "(see " }, { text: "https://example.com/a", href: "https://example.com/a" }, { text: ")" }]);
  });

  it("stay text for any other scheme", () => {
    for (const text of ["javascript:alert(document.cookie)", "JavaScript://%0Aalert(1)", "data:text/html,<script>alert(1)</script>", "vbscript:x", "ftp://files.example/a"]) {
      expect(splitLinks(text)).toEqual([{ text }]);
    }
    expect(safeHref("javascript:alert(1)")).toBeNull();
    expect(safeHref("https://example.com")).toBe("https://example.com/");
    expect(splitLinks("")).toEqual([]);
  });

  it("render as links that open in a new tab without a hold on this page", () => {
    render(
      <p data-testid="text">
        <LinkedText text={"Try https://status.example.com now.\njavascript:alert(1) does nothing."} />
      </p>,
    );
    const links = screen.getAllByRole("link");
    expect(links).toHaveLength(1);
    expect(links[0]).toHaveAttribute("href", "https://status.example.com/");
    expect(links[0]).toHaveAttribute("target", "_blank");
    expect(links[0]).toHaveAttribute("rel", "noopener noreferrer");
    expect(screen.getByTestId("text")).toHaveTextContent("javascript:alert(1) does nothing.");
  });
});
