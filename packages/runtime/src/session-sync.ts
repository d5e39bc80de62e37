// createSessionSync: cannot wait for a dynamic import, so it imports @octet/signature statically.
// A module of its own, so bundles that only use createSession (e.g. @octet/runtime-web) never
// reach @octet/signature except through createSession's lazy import.
import { verifySync } from '@octet/signature';
import { openSession } from './session-impl.js';
import type { ModelSource, Session, SessionOptions } from './session.js';

export function createSessionSync(model: ModelSource, options: SessionOptions = {}): Session {
  return openSession(model, options, verifySync);
}
