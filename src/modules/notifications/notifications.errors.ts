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
} as const;
