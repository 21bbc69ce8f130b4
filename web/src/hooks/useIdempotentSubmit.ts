import { useMutation } from "@tanstack/react-query";
import { useRef } from "react";
import { useIdempotencyKey } from "./useIdempotencyKey";

/** A form's submission that the service must act on once (a create, a comment): a submit
 * while one is on its way sends nothing (a double click), a retry after a failure reuses
 * its Idempotency-Key, and success or `edited()` (the content changed) makes the next
 * submission a new one. */
export function useIdempotentSubmit<T, V>(send: (variables: V, idempotencyKey: string) => Promise<T>, onSuccess: (data: T) => unknown) {
  const key = useIdempotencyKey();
  // Set by submit itself: isPending shows only once React has rendered again, and the
  // second click of a double click can come before that.
  const sending = useRef(false);
  const mutation = useMutation({
    mutationFn: async (variables: V) => {
      try {
        return await send(variables, key.current());
      } finally {
        sending.current = false;
      }
    },
    onSuccess: async (data: T) => {
      key.reset();
      await onSuccess(data);
    },
  });
  return {
    mutation,
    submit(variables: V): void {
      if (sending.current || mutation.isPending) return;
      sending.current = true;
      mutation.mutate(variables);
    },
    edited(): void {
      key.reset();
      mutation.reset();
    },
  };
}
