/** Subscriber callbacks are user code: what they throw goes to the subscriber's `onError`, not into the void. */

/** Calls `fn`, reporting a throw (from user code) to `onError` instead of losing it. */
export function guarded<A extends unknown[]>(
  fn: (...args: A) => void,
  onError?: (error: Error) => void,
): (...args: A) => void {
  return (...args) => {
    try {
      fn(...args);
    } catch (error) {
      onError?.(error instanceof Error ? error : new Error(String(error)));
    }
  };
}
