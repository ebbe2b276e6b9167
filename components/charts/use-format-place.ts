'use client';

import { useSyncExternalStore } from 'react';
import { SERVER_PLACE, type FormatPlace } from './format';

const subscribe = () => () => undefined;

/**
 * The browser's locale and time zone once hydrated; a fixed one during the server render and hydration,
 * so server HTML and the first client render agree (text that differs would be a hydration error).
 */
export function useFormatPlace(): FormatPlace {
  const isClient = useSyncExternalStore(subscribe, () => true, () => false);
  return isClient ? {} : SERVER_PLACE;
}
