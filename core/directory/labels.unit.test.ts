import { describe, expect, it } from 'vitest';
import { TRAIL_ITEMS } from '../items.js';
import { DISCLOSURE_CHANNELS, DISCLOSURE_OUTCOMES } from '../policy/vocabulary.js';
import { CHANNEL_LABELS, ITEM_LABELS, OUTCOME_LABELS } from './labels.js';

describe("the labels of the resident's history and page", () => {
  it('name every item and channel a trail entry can carry (links and notices too), in both languages', () => {
    for (const item of TRAIL_ITEMS) expect(ITEM_LABELS[item], item).toBeDefined();
    for (const channel of DISCLOSURE_CHANNELS) expect(CHANNEL_LABELS[channel], channel).toBeDefined();
    for (const outcome of DISCLOSURE_OUTCOMES) expect(OUTCOME_LABELS[outcome], outcome).toBeDefined();
    expect(CHANNEL_LABELS.LINKING).toEqual({ ja: '申請時のひも付け', en: 'Link at application' });
  });
});
