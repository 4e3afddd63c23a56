/**
 * Every state a delivery job can be in. `scheduled` waits for its due time; `leased` is being
 * attempted by one worker; `succeeded`, `failed` and `cancelled` are final; `held` waits for a
 * recover (its webhook was paused). See ADR 0007 and ADR 0015.
 */
export const DELIVERY_STATUSES = ['scheduled', 'leased', 'succeeded', 'failed', 'held', 'cancelled'] as const;
/** A delivery job's status: a closed union. */
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];

/** Whether `value` is a delivery status (what the queue stores is read back through this). */
export const isDeliveryStatus = (value: unknown): value is DeliveryStatus => (DELIVERY_STATUSES as readonly unknown[]).includes(value);

/** Whether nothing more happens to a job in this status unless someone retries or recovers it. */
export const isFinal = (status: DeliveryStatus): boolean => {
  switch (status) {
    case 'succeeded':
    case 'failed':
    case 'cancelled':
      return true;
    case 'scheduled':
    case 'leased':
    case 'held':
      return false;
    default: {
      const unreachable: never = status;
      return unreachable;
    }
  }
};
