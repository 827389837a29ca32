import type { PipelinePolicyConfig } from './request-timeout.js';

/**
 * JSON.stringify leaves U+2028 and U+2029 raw, and Azurite's transaction parser finds each operation's JSON with a
 * `.` that stops at them, so a transaction whose values carry either was refused (500) by the local host's storage.
 * Written as `\u2028`/`\u2029` escapes the body is the same JSON to any reader; both characters occur only inside
 * string literals there, so nothing else in the body changes.
 */
export const escapeLineSeparators: PipelinePolicyConfig = {
  position: 'perCall',
  policy: {
    name: 'policysync-escape-line-separators',
    sendRequest: (request, next) => {
      if (typeof request.body === 'string')
        request.body = request.body.replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
      return next(request);
    },
  },
};
