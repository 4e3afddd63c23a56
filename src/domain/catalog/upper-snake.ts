import type { EventCatalog } from './catalog.js';

/** The LeanIX-style catalog (seed 001): UPPER_SNAKE names, grouped by what they concern. */
export const upperSnakeCatalog: EventCatalog = {
  id: 'upper-snake',
  title: 'Upper snake (fact sheets, relations, integrations, surveys)',
  separator: '_',
  eventTypes: [
    {
      name: 'FACT_SHEET_CREATED',
      category: 'Fact Sheets',
      description: 'A new fact sheet is created or recovered from archive.',
    },
    {
      name: 'FACT_SHEET_UPDATED',
      category: 'Fact Sheets',
      description: 'A fact sheet is updated. This also includes updates to fact sheet relations.',
    },
    {
      name: 'FACT_SHEET_ARCHIVED',
      category: 'Fact Sheets',
      description: 'A fact sheet is archived.',
    },
    {
      name: 'FACT_SHEET_DELETED',
      category: 'Fact Sheets',
      description:
        'A fact sheet is deleted. Deletion occurs when a fact sheet type is deleted from the meta model configuration or the retention period for an archived fact sheet ends.',
    },
    {
      name: 'RELATION_CREATED',
      category: 'Fact Sheet Relations',
      description: 'A new relation between fact sheets is created or recovered from archive.',
    },
    {
      name: 'RELATION_UPDATED',
      category: 'Fact Sheet Relations',
      description: 'A relation between fact sheets is updated.',
    },
    {
      name: 'RELATION_ARCHIVED',
      category: 'Fact Sheet Relations',
      description: 'A relation between fact sheets is archived.',
    },
    {
      name: 'RELATION_DELETED',
      category: 'Fact Sheet Relations',
      description:
        'A relation between fact sheets is deleted. Deletion occurs when a fact sheet type is deleted from the meta model configuration or the retention period for an archived fact sheet ends.',
    },
    {
      name: 'RELATION_SWITCH',
      category: 'Fact Sheet Relations',
      description: 'Only the target fact sheet within a relation changed.',
    },
    {
      name: 'FACT_SHEET_TAG_ADDED',
      category: 'Fact Sheet Tags',
      description: 'A tag is added to a fact sheet.',
    },
    {
      name: 'FACT_SHEET_TAG_REMOVED',
      category: 'Fact Sheet Tags',
      description: 'A tag is removed from a fact sheet.',
    },
    {
      name: 'FACT_SHEET_FIELD_UPDATED',
      category: 'Fact Sheet Fields',
      description: 'A field on a fact sheet is updated.',
    },
    {
      name: 'DOCUMENT_CREATED',
      category: 'Fact Sheet Resources',
      description: 'A resource is added to a fact sheet.',
    },
    {
      name: 'DOCUMENT_UPDATED',
      category: 'Fact Sheet Resources',
      description: 'A resource is updated on a fact sheet.',
    },
    {
      name: 'DOCUMENT_DELETED',
      category: 'Fact Sheet Resources',
      description: 'A resource is deleted from a fact sheet.',
    },
    {
      name: 'SUBSCRIPTION_CREATED',
      category: 'Fact Sheet Subscriptions',
      description: 'A subscription is added to a fact sheet.',
    },
    {
      name: 'SUBSCRIPTION_UPDATED',
      category: 'Fact Sheet Subscriptions',
      description: 'A subscription is updated on a fact sheet.',
    },
    {
      name: 'SUBSCRIPTION_DELETED',
      category: 'Fact Sheet Subscriptions',
      description: 'A subscription is deleted from a fact sheet.',
    },
    {
      name: 'INTEGRATION_RUN_STARTED',
      category: 'Integration Runs',
      description: 'An Integration run was started.',
    },
    {
      name: 'INTEGRATION_RUN_FINISHED',
      category: 'Integration Runs',
      description: 'An integration run finished.',
    },
    {
      name: 'INTEGRATION_RUN_ABORTED',
      category: 'Integration Runs',
      description: 'An integration run is canceled.',
    },
    {
      name: 'CONFIGURATION_CREATED',
      category: 'Integration Configurations',
      description: 'A configuration for an integration is created.',
    },
    {
      name: 'CONFIGURATION_UPDATED',
      category: 'Integration Configurations',
      description: 'A configuration for an integration is updated.',
    },
    {
      name: 'CONFIGURATION_DELETED',
      category: 'Integration Configurations',
      description: 'A configuration for an integration is deleted.',
    },
    {
      name: 'CONFIGURATION_ACTIVATED',
      category: 'Integration Configurations',
      description: 'A configuration for an integration is activated.',
    },
    {
      name: 'CONFIGURATION_DEACTIVATED',
      category: 'Integration Configurations',
      description: 'A configuration for an integration is deactivated.',
    },
    {
      name: 'POLL_RESULT_CREATED',
      category: 'Survey Responses',
      description: 'A survey response is created.',
    },
    {
      name: 'POLL_RESULT_UPDATED',
      category: 'Survey Responses',
      description: 'A survey response is updated.',
    },
  ],
};
