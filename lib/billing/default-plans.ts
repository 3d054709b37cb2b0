/**
 * The billing plans document served until the operator stores one (`npm run admin -- plans set`). Its
 * currency is not part of it: the configuration's BILLING_CURRENCY names the currency of every cost.
 */
import type { PlansDocument } from './schema.js';

export const DEFAULT_PLANS_DOCUMENT: PlansDocument = {
  "_id": "shping_payments_plans",
  "list": [
    {
      "id": "basic",
      "name": "BASIC",
      "cost": 0,
      "hidden": false,
      "commitment_period": 0,
      "description": "Basic plan",
      "modules": [],
      "coin_rate": 0,
      "upgrade_description": "You are currently on the Basic plan and have limited access to product analytics and promotional opportunities. Upgrade now!",
      "description_list": [
        {
          "label": "GTIN",
          "value": "Unlimited"
        },
        {
          "label": "Product catalogue",
          "value": true
        },
        {
          "label": "Ingredients and Raw Materials",
          "value": true
        },
        {
          "label": "Availability Map",
          "value": false
        },
        {
          "label": "Engagement and Consumer Analytics",
          "value": false
        },
        {
          "label": "Reviews",
          "value": false
        },
        {
          "label": "Shoutouts",
          "value": false
        },
        {
          "label": "Shping bot",
          "value": false
        },
        {
          "label": "Rewards",
          "value": false
        },
        {
          "label": "Advanced Engagement (ToDo cards)",
          "value": false
        }
      ]
    },
    {
      "id": "light",
      "cost": 195,
      "name": "LIGHT",
      "hidden": false,
      "coin_rate": 0.1,
      "upgrade_description": "You are currently on the Light plan and have limited access to product analytics and promotional opportunities. Upgrade now!",
      "description": "Lite plan",
      "commitment_period": 52,
      "modules": [
        "product360",
        "reviews"
      ],
      "description_list": [
        {
          "label": "GTIN",
          "value": "1-20"
        },
        {
          "label": "Product catalogue",
          "value": true
        },
        {
          "label": "Ingredients and Raw Materials",
          "value": true
        },
        {
          "label": "Availability Map",
          "value": true
        },
        {
          "label": "Engagement and Consumer Analytics",
          "value": true
        },
        {
          "label": "Reviews",
          "value": true
        },
        {
          "label": "Shoutouts",
          "value": false
        },
        {
          "label": "Shping bot",
          "value": false
        },
        {
          "label": "Rewards",
          "value": false
        },
        {
          "label": "Advanced Engagement (ToDo cards)",
          "value": false
        }
      ]
    },
    {
      "id": "pro",
      "cost": 395,
      "name": "PRO",
      "description": "Standart plan",
      "coin_rate": 0.2,
      "hidden": false,
      "commitment_period": 52,
      "upgrade_description": "You are currently on the Pro plan and have limited access to product analytics and promotional opportunities. Upgrade now!",
      "modules": [
        "product360",
        "reviews",
        "rewards"
      ],
      "description_list": [
        {
          "label": "GTIN",
          "value": "21-500"
        },
        {
          "label": "Product catalogue",
          "value": true
        },
        {
          "label": "Ingredients and Raw Materials",
          "value": true
        },
        {
          "label": "Availability Map",
          "value": true
        },
        {
          "label": "Engagement and Consumer Analytics",
          "value": true
        },
        {
          "label": "Reviews",
          "value": true
        },
        {
          "label": "Shoutouts",
          "value": true
        },
        {
          "label": "Shping bot",
          "value": true
        },
        {
          "label": "Rewards",
          "value": true
        },
        {
          "label": "Advanced Engagement (ToDo cards)",
          "value": true
        }
      ]
    },
    {
      "id": "pro-corp",
      "name": "PRO-CORP",
      "description": "Pro plan",
      "upgrade_description": "Corp-Pro is our top level, you already have access to all Shping's great features!",
      "cost": 495,
      "hidden": false,
      "coin_rate": 0.3,
      "commitment_period": 52,
      "modules": [
        "product360",
        "reviews",
        "livechat",
        "rewards"
      ],
      "description_list": [
        {
          "label": "GTIN",
          "value": "501-999"
        },
        {
          "label": "Product catalogue",
          "value": true
        },
        {
          "label": "Ingredients and Raw Materials",
          "value": true
        },
        {
          "label": "Availability Map",
          "value": true
        },
        {
          "label": "Engagement and Consumer Analytics",
          "value": true
        },
        {
          "label": "Reviews",
          "value": true
        },
        {
          "label": "Shoutouts",
          "value": true
        },
        {
          "label": "Shping bot",
          "value": true
        },
        {
          "label": "Rewards",
          "value": true
        },
        {
          "label": "Advanced Engagement (ToDo cards)",
          "value": true
        }
      ]
    }
  ],
  "type": "system_doc"
};
