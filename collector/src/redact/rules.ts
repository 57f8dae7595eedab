/** A built-in PII rule: a global pattern and, where the pattern alone is too loose, a check. */
export interface RedactionRule {
  /** Recorded in `generation.redactions` and shown in the replacement `[REDACTED:<name>]`. */
  name: string;
  pattern: RegExp;
  /** Return false to leave a match alone (e.g. a digit run that fails the Luhn check). */
  accept?: (match: string) => boolean;
  /** The replacement; defaults to `[REDACTED:<name>]`. */
  replace?: (match: string) => string;
}

/** True when the digits of `text` pass the Luhn checksum (payment card numbers). */
export function luhnValid(text: string): boolean {
  const digits = text.replace(/\D/g, "");
  if (digits.length < 13 || digits.length > 19) return false;
  let sum = 0;
  let double = false;
  for (let i = digits.length - 1; i >= 0; i--) {
    let digit = digits.charCodeAt(i) - 48;
    if (double) {
      digit *= 2;
      if (digit > 9) digit -= 9;
    }
    sum += digit;
    double = !double;
  }
  return sum % 10 === 0;
}

function digitCount(text: string): number {
  let count = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code >= 48 && code <= 57) count++;
  }
  return count;
}

/**
 * The built-in rules, in the order they run: tokens first (a JWT or key must not be half-eaten by
 * the phone rule), then cards (digit runs), then emails and phone numbers.
 */
export const BUILT_IN_RULES: readonly RedactionRule[] = [
  {
    name: "bearer",
    pattern: /\b(Bearer|Basic)\s+[A-Za-z0-9._~+/-]{8,}=*/gi,
    replace: (match) => `${match.split(/\s+/)[0]} [REDACTED:bearer]`,
  },
  { name: "jwt", pattern: /\beyJ[A-Za-z0-9_-]{5,}\.eyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}/g },
  {
    name: "api_key",
    // OpenAI/Anthropic (sk-, sk-proj-, sk-ant-), AWS access key IDs, GitHub tokens, Slack tokens,
    // Google API keys, Stripe keys.
    pattern:
      /\b(?:sk-(?:proj-|ant-(?:api\d{2}-)?)?[A-Za-z0-9_-]{16,}|(?:AKIA|ASIA)[0-9A-Z]{16}|gh[pousr]_[A-Za-z0-9]{30,}|github_pat_[A-Za-z0-9_]{30,}|xox[abpors]-[A-Za-z0-9-]{10,}|AIza[0-9A-Za-z_-]{35}|(?:sk|rk|pk)_(?:live|test)_[A-Za-z0-9]{16,})/g,
  },
  { name: "card", pattern: /(?<![\d-])(?:\d[ -]?){12,18}\d(?![\d])/g, accept: luhnValid },
  { name: "email", pattern: /[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}/g },
  {
    name: "phone",
    // International with a leading +, or North American (415) 555-2671 / 415-555-2671 / 415.555.2671.
    pattern:
      /(?<![\w+])(?:\+\d{1,3}[ .-]?(?:\(\d{1,4}\)[ .-]?)?\d{1,4}(?:[ .-]?\d{2,4}){1,4}|(?:\(\d{3}\)\s?|\d{3}[.-])\d{3}[.-]\d{4})(?![\w])/g,
    accept: (match) => {
      const digits = digitCount(match);
      return digits >= 8 && digits <= 15;
    },
  },
];

/** Names a configuration may use, and the rules each turns on. */
export const RULE_GROUPS: Readonly<Record<string, readonly string[]>> = {
  emails: ["email"],
  phones: ["phone"],
  cards: ["card"],
  secrets: ["bearer", "jwt", "api_key"],
  all: ["bearer", "jwt", "api_key", "card", "email", "phone"],
  // Singular spellings, and the individual secret rules, are accepted too.
  email: ["email"],
  phone: ["phone"],
  card: ["card"],
  bearer: ["bearer"],
  jwt: ["jwt"],
  api_key: ["api_key"],
  api_keys: ["api_key"],
};
