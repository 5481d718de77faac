//! The built-in subject and body of each kind of email, for each audience.
//!
//! They say what happened in one sentence and leave the facts (when, where, who, links) to
//! `{{details}}`, which every body shows. Invitee emails mention the attached invitation.

use super::DefaultTemplate;
use crate::notification::{Audience, NotificationKind};

pub(super) fn template(kind: NotificationKind, audience: Audience) -> DefaultTemplate {
    let (subject, body) = match (kind, audience) {
        (NotificationKind::Confirmation, Audience::Invitee) => (
            "Confirmed: {{eventTypeName}} with {{hostName}}",
            "Hi {{inviteeName}},\n\
             \n\
             Your {{eventTypeName}} with {{hostName}} is booked for {{startTime}}. \
             The calendar invitation is attached.\n\
             \n\
             {{details}}\n",
        ),
        (NotificationKind::Confirmation, Audience::Host) => (
            "New booking: {{eventTypeName}} with {{inviteeName}}",
            "Hi {{hostName}},\n\
             \n\
             {{inviteeName}} booked {{eventTypeName}} with you for {{startTime}}.\n\
             \n\
             {{details}}\n",
        ),
        (NotificationKind::Cancellation, Audience::Invitee) => (
            "Cancelled: {{eventTypeName}} with {{hostName}}",
            "Hi {{inviteeName}},\n\
             \n\
             Your {{eventTypeName}} with {{hostName}} on {{startTime}} has been cancelled.\n\
             Reason: {{cancelReason}}\n\
             \n\
             {{details}}\n",
        ),
        (NotificationKind::Cancellation, Audience::Host) => (
            "Cancelled: {{eventTypeName}} with {{inviteeName}}",
            "Hi {{hostName}},\n\
             \n\
             Your {{eventTypeName}} with {{inviteeName}} on {{startTime}} has been cancelled.\n\
             Reason: {{cancelReason}}\n\
             \n\
             {{details}}\n",
        ),
        (NotificationKind::Reschedule, Audience::Invitee) => (
            "Rescheduled: {{eventTypeName}} with {{hostName}}",
            "Hi {{inviteeName}},\n\
             \n\
             Your {{eventTypeName}} with {{hostName}} has moved to {{startTime}}. \
             The updated calendar invitation is attached.\n\
             \n\
             {{details}}\n",
        ),
        (NotificationKind::Reschedule, Audience::Host) => (
            "Rescheduled: {{eventTypeName}} with {{inviteeName}}",
            "Hi {{hostName}},\n\
             \n\
             Your {{eventTypeName}} with {{inviteeName}} has moved to {{startTime}}.\n\
             \n\
             {{details}}\n",
        ),
        (NotificationKind::Reminder, Audience::Invitee) => (
            "Reminder: {{eventTypeName}} with {{hostName}} {{reminderTiming}}",
            "Hi {{inviteeName}},\n\
             \n\
             This is a reminder that your {{eventTypeName}} with {{hostName}} starts \
             {{reminderTiming}}, on {{startTime}}.\n\
             \n\
             {{details}}\n",
        ),
        (NotificationKind::Reminder, Audience::Host) => (
            "Reminder: {{eventTypeName}} with {{inviteeName}} {{reminderTiming}}",
            "Hi {{hostName}},\n\
             \n\
             This is a reminder that your {{eventTypeName}} with {{inviteeName}} starts \
             {{reminderTiming}}, on {{startTime}}.\n\
             \n\
             {{details}}\n",
        ),
    };
    DefaultTemplate { subject, body }
}
