import { useRef } from "react";
import { newIdempotencyKey } from "@/lib/api/client";

/** One Idempotency-Key per submission: kept across retries and double clicks of the same
 * submission, replaced once it succeeded or once the content changed. */
export function useIdempotencyKey() {
  const key = useRef<string | null>(null);
  return {
    current(): string {
      key.current ??= newIdempotencyKey();
      return key.current;
    },
    reset(): void {
      key.current = null;
    },
  };
}
