// A message from a framed player: only from the provider's own origin and that very frame, as the
// object the player meant (players send JSON text or plain objects); null for anything else.
export function fromFrame(event, frame, origin) {
  if (event.origin !== origin || event.source !== frame.contentWindow) return null;
  try {
    const data = typeof event.data === "string" ? JSON.parse(event.data) : event.data;
    return data && typeof data === "object" ? data : null;
  } catch {
    return null;
  }
}
