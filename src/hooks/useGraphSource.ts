import { useContext } from 'react';
import { isGraphPresenceClient, type GraphPresenceClient } from '../client';
import { PresenceContext } from './PresenceContext';

/**
 * The nearest provider's client when it is a Microsoft Graph source
 * (`createGraphPresenceClient`), else `undefined` (a Symphony pod, or no provider). Components
 * use it to offer what the source can set (Graph's pairs, a status message).
 */
export function useGraphSource(): GraphPresenceClient | undefined {
  const client = useContext(PresenceContext)?.sync.client;
  return client !== undefined && isGraphPresenceClient(client) ? client : undefined;
}
