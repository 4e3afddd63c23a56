import type { EventCatalog, EventTypeInfo } from './catalog.js';

const type = (name: string, category: string, cacheScope: EventTypeInfo['cacheScope'], description: string): EventTypeInfo => ({
  name,
  category,
  cacheScope,
  description,
});

/**
 * The Mixpeek-style catalog (seed 003): `{resource}.{action}[.{sub-resource}[.{sub-action}]]`,
 * each annotated with the cache invalidation scope a consumer should apply.
 */
export const dottedCatalog: EventCatalog = {
  id: 'dotted',
  title: 'Dotted (object, collection, cluster, trigger, taxonomy)',
  separator: '.',
  eventTypes: [
    type('object.created', 'Object Lifecycle', 'KEY', 'New object ingested.'),
    type('object.updated', 'Object Lifecycle', 'KEY', 'An object was updated.'),
    type('object.deleted', 'Object Lifecycle', 'KEY', 'An object was deleted.'),
    type('collection.created', 'Collection Lifecycle', 'COLLECTION', 'A collection was created.'),
    type('collection.updated', 'Collection Lifecycle', 'COLLECTION', 'A collection was updated.'),
    type('collection.deleted', 'Collection Lifecycle', 'COLLECTION', 'A collection was deleted.'),
    type('collection.documents.written', 'Collection Lifecycle', 'COLLECTION', 'Documents were indexed into a collection.'),
    type('cluster.created', 'Cluster Lifecycle', 'NAMESPACE', 'A cluster was created.'),
    type('cluster.updated', 'Cluster Lifecycle', 'NAMESPACE', 'A cluster was updated.'),
    type('cluster.deleted', 'Cluster Lifecycle', 'NAMESPACE', 'A cluster was deleted.'),
    type('cluster.execution.started', 'Cluster Lifecycle', 'NAMESPACE', 'A cluster job started.'),
    type('cluster.execution.completed', 'Cluster Lifecycle', 'NAMESPACE', 'A cluster job finished.'),
    type('cluster.execution.failed', 'Cluster Lifecycle', 'NAMESPACE', 'A cluster job failed.'),
    type('trigger.created', 'Trigger Lifecycle', 'NAMESPACE', 'A cluster trigger was created.'),
    type('trigger.updated', 'Trigger Lifecycle', 'NAMESPACE', 'A cluster trigger was updated.'),
    type('trigger.deleted', 'Trigger Lifecycle', 'NAMESPACE', 'A cluster trigger was deleted.'),
    type('trigger.paused', 'Trigger Lifecycle', 'NAMESPACE', 'A cluster trigger was paused.'),
    type('trigger.resumed', 'Trigger Lifecycle', 'NAMESPACE', 'A cluster trigger was resumed.'),
    type('trigger.fired', 'Trigger Lifecycle', 'NAMESPACE', 'A cluster trigger fired.'),
    type('trigger.execution.completed', 'Trigger Lifecycle', 'NAMESPACE', 'The execution started by a trigger finished.'),
    type('trigger.execution.failed', 'Trigger Lifecycle', 'NAMESPACE', 'The execution started by a trigger failed.'),
    type('taxonomy.created', 'Taxonomy Lifecycle', 'NAMESPACE', 'A taxonomy was created.'),
  ],
};
