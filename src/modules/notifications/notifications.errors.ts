import { defineError } from '../../platform/errors/errors.js';

/** Domain errors of the notifications module; messages live in this module's catalogue. */
export const NotificationErrors = {
  templateUnknown: defineError(
    'NOTIFICATION_TEMPLATE_UNKNOWN',
    'internal',
    'A message was queued with a template that has no `<template>.body` in the message catalogue (a programming error).',
    'notifications.error.NOTIFICATION_TEMPLATE_UNKNOWN',
  ),
  recipientInvalid: defineError(
    'NOTIFICATION_RECIPIENT_INVALID',
    'internal',
    'A message was queued without a recipient, or for a channel that does not exist (a programming error).',
    'notifications.error.NOTIFICATION_RECIPIENT_INVALID',
  ),
  webhookSignatureInvalid: defineError(
    'NOTIFICATION_WEBHOOK_SIGNATURE_INVALID',
    'unauthenticated',
    'An inbound SMS/Zalo webhook call without a valid signature of the shared secret (INBOUND_WEBHOOK_SECRET), or one older than five minutes.',
    'notifications.error.NOTIFICATION_WEBHOOK_SIGNATURE_INVALID',
  ),
  inboundInvalid: defineError(
    'NOTIFICATION_INBOUND_INVALID',
    'invalid',
    'An inbound SMS/Zalo webhook call whose body lacks the sender or the text.',
    'notifications.error.NOTIFICATION_INBOUND_INVALID',
  ),
  inboundRateLimited: defineError(
    'NOTIFICATION_INBOUND_RATE_LIMITED',
    'rate_limited',
    'This phone number or Zalo account sent more messages than INBOUND_RATE_LIMIT allows in an hour; no reply is sent.',
    'notifications.error.NOTIFICATION_INBOUND_RATE_LIMITED',
  ),
} as const;
