import type { EventCatalog } from './catalog.js';
import { dottedCatalog } from './dotted.js';
import { upperSnakeCatalog } from './upper-snake.js';

/** The presets an organization can choose from; `dotted` is the default. */
export const catalogs: readonly EventCatalog[] = [dottedCatalog, upperSnakeCatalog];

/** The built-in catalog with this id (`dotted`, `upper-snake`), or undefined. */
export const findCatalog = (id: string): EventCatalog | undefined => catalogs.find((c) => c.id === id);
