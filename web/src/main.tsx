import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
// The tokens and the page's layout, then the shared components' rules, first: each
// feature's own styles (imported by its index.ts) come after them, and win where both speak.
import "./styles.css";
import "./components/styles.css";
import { App } from "./app/App";

createRoot(document.getElementById("root")!).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
