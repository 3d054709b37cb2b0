/** What the platform accepts as an email address (a pragmatic check: one @, a dotted domain, no spaces). */
export const EMAIL_ADDRESS = /^[^\s@]{1,64}@[^\s@]+\.[^\s@]{2,}$/;
