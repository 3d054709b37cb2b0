/**
 * The rate card catalogue: which items a card prices, their names and the events each covers, and the card
 * that applies until an operator sets one. Configuration as code: an item added here can be priced at once;
 * a removed item makes stored cards that price it fail to read, so remove it from those first.
 */

export interface CatalogueItem {
  id: string;
  name: string;
  events: readonly string[];
}

export const RATE_CARD_ITEMS: readonly CatalogueItem[] = [
  { id: 'clicks', name: 'Clicks', events: ['follow_fb', 'visit_link', 'visit_social_networks_link'] },
  { id: 'completed_video', name: 'Completed Video', events: ['watch_video'] },
  { id: 'approved_reviews', name: 'Approved Reviews', events: ['send_review'] },
  {
    id: 'impressions_revenue',
    name: 'Impressions Revenue',
    events: ['scan', 'send_scan_location', 'view_certificates', 'view_image', 'view_nutrition_info', 'view_popup', 'view_status', 'view_text'],
  },
  { id: 'transactional_data', name: 'Transactional Data', events: [] },
];

export const catalogueItem = (id: string) => RATE_CARD_ITEMS.find((i) => i.id === id);

/** Amounts are decimal texts (exact); see lib/ratecards/index.ts. */
export interface RateCardSettings {
  billable: boolean;
  gst?: number;
  budget?: { day?: string; week?: string; month?: string };
  items: { id: string; value: string }[];
  userRewards: { percents?: string; value?: string; coins?: bigint };
}

/** The default card until an operator sets one (`POST /payments-service/participants/rate_card/default`). */
export const BUILT_IN_DEFAULT_CARD: RateCardSettings = {
  billable: true,
  budget: { day: '20', week: '30', month: '40' },
  gst: 10,
  items: [
    { id: 'clicks', value: '0.3' },
    { id: 'completed_video', value: '0.35' },
    { id: 'approved_reviews', value: '0.4' },
    { id: 'impressions_revenue', value: '0.003' },
    { id: 'transactional_data', value: '0.6' },
  ],
  userRewards: { percents: '0.25' },
};
