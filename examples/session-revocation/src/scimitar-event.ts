/**
 * The part of a Scimitar event this app reads. The webhook body is the
 * whole event as JSON (Scimitar's `ScimitarEvent`, in its
 * `src/events/event.ts`); a receiver depends only on the fields it uses, so
 * fields Scimitar adds later never break it.
 */
export interface ReceivedEvent {
  readonly id: string;
  /** `user.created`, `user.deactivated`, `group.member_added`, …: unknown types are acknowledged and ignored. */
  readonly type: string;
  readonly tenant: string;
  /** Per tenant, starting at 1, increasing by one in commit order. */
  readonly sequence: number;
  readonly resourceType: string;
  /** The SCIM `id` of the user or group the event is about. */
  readonly resourceId: string;
  /** `data.resource.active`: the user's state after the change (as it was, for a deletion); undefined when absent. */
  readonly active: boolean | undefined;
}

/**
 * Whether a user may no longer hold a session after this event:
 * `user.deactivated` and `user.deleted` — and any later event of a user who
 * is inactive, so that a deactivation whose delivery failed for good is
 * still acted on at the user's next change.
 */
export function endsSessions(event: ReceivedEvent): boolean {
  if (event.resourceType !== 'User') return false;
  return event.type === 'user.deactivated' || event.type === 'user.deleted' || event.active === false;
}

function isNonEmptyString(value: unknown): value is string {
  return typeof value === 'string' && value !== '';
}

/** The event in a verified webhook body, or a reason why the body is not one. */
export function readEvent(body: unknown): { readonly event: ReceivedEvent } | { readonly problem: string } {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return { problem: 'the body is not a JSON object' };
  const fields = body as Record<string, unknown>;
  for (const name of ['id', 'type', 'tenant', 'resourceType', 'resourceId'] as const) {
    if (!isNonEmptyString(fields[name])) return { problem: `"${name}" is not a non-empty string` };
  }
  const sequence = fields['sequence'];
  if (typeof sequence !== 'number' || !Number.isSafeInteger(sequence) || sequence < 1) return { problem: '"sequence" is not a positive integer' };
  const data = fields['data'];
  const resource = typeof data === 'object' && data !== null ? (data as Record<string, unknown>)['resource'] : undefined;
  const active = typeof resource === 'object' && resource !== null ? (resource as Record<string, unknown>)['active'] : undefined;
  return {
    event: {
      id: fields['id'] as string,
      type: fields['type'] as string,
      tenant: fields['tenant'] as string,
      sequence,
      resourceType: fields['resourceType'] as string,
      resourceId: fields['resourceId'] as string,
      active: typeof active === 'boolean' ? active : undefined,
    },
  };
}
