import { describe, expect, it } from 'vitest';
import { PRESENCE_CATEGORIES, getCategoryInfo, isKnownCategory, toExternalView } from '../../src/model';

describe('categories', () => {
  it('knows all 11', () => {
    expect(PRESENCE_CATEGORIES).toHaveLength(11);
    for (const c of PRESENCE_CATEGORIES) expect(isKnownCategory(c)).toBe(true);
    expect(getCategoryInfo('BE_RIGHT_BACK')?.externalView).toBe('AWAY');
    expect(toExternalView('SOMETHING_NEW')).toBe('SOMETHING_NEW');
  });
});
