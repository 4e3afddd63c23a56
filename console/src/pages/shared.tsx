import type { ComponentChildren } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { type EventType, eventTypes } from '../api.js';

/** Loads once per dependency change; loading, error and value for the view. */
export const useLoad = <T,>(load: () => Promise<T>, deps: unknown[]) => {
  const [state, setState] = useState<{ loading: boolean; error?: string; value?: T }>({ loading: true });
  const [tick, setTick] = useState(0);
  useEffect(() => {
    let live = true;
    setState((s) => ({ ...s, loading: true, error: undefined }));
    load().then(
      (value) => live && setState({ loading: false, value }),
      (error: Error) => live && setState({ loading: false, error: error.message }),
    );
    return () => {
      live = false;
    };
  }, [...deps, tick]);
  return { ...state, reload: () => setTick((t) => t + 1) };
};

let catalog: Promise<{ catalog: string; event_types: EventType[] }> | undefined;
/** The organization's catalog, fetched once per page load. */
export const useCatalog = () => useLoad(() => (catalog ??= eventTypes()), []);

export const Loading = ({ what }: { what: string }) => <p aria-busy="true">Loading {what}…</p>;
export const ErrorNote = ({ children }: { children: ComponentChildren }) => (
  <p role="alert" class="error">
    {children}
  </p>
);

/** Groups event types by category, keeping catalog order. */
export const byCategory = (types: readonly EventType[]) => {
  const groups = new Map<string, EventType[]>();
  for (const t of types) groups.set(t.category, [...(groups.get(t.category) ?? []), t]);
  return groups;
};

export const when = (iso: string) => new Date(iso).toLocaleString();
