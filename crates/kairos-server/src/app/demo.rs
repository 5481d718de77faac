//! The demo tenant seeded into an empty database, so a newcomer sees something real at once.

use kairos_core::event_type::{
    CustomQuestions, EventColor, Location, LocationType, ReminderSettings,
};
use kairos_core::schedule::{DayWindows, TimeWindow, WeeklySchedule};
use kairos_core::settings::{DurationMinutes, SettingOverrides};
use kairos_core::text::{DisplayName, LongText, Slug};
use kairos_store::{Actor, AvailabilityUpdate, EventTypeFields, Store, UserUpdate};
use rand::RngExt;

use super::provision::{TenantRequest, create_tenant, system_zone_name};

/// What the demo seed created, to print.
#[derive(Debug)]
pub struct Demo {
    pub email: String,
    pub password: String,
    pub api_token: String,
    pub public_api_url: String,
    /// The demo host's booking page, for a person to open.
    pub booking_page_url: String,
}

fn parse<T, E: std::fmt::Display>(result: Result<T, E>) -> anyhow::Result<T> {
    result.map_err(|e| anyhow::anyhow!("demo data is invalid: {e}"))
}

/// Creates the `demo` tenant when the database has no tenant yet; `None` when it has one.
pub async fn seed_if_empty(store: &dyn Store, public_url: &str) -> anyhow::Result<Option<Demo>> {
    if store.count_tenants().await? > 0 {
        return Ok(None);
    }
    let password: String = {
        let bytes: [u8; 9] = rand::rng().random();
        hex::encode(bytes)
    };
    let zone = system_zone_name();
    let created = create_tenant(
        store,
        TenantRequest {
            slug: "demo",
            name: "Demo Company",
            admin_email: "alex@demo.example",
            admin_password: Some(&password),
            timezone: &zone,
        },
    )
    .await
    .map_err(|e| anyhow::anyhow!("seeding the demo tenant failed: {e}"))?;
    let Some(owner) = created.created else {
        anyhow::bail!("seeding the demo tenant returned no owner");
    };
    let tenant = owner.tenant.id;
    let actor = Actor::account(owner.account.id);
    let mut profile = UserUpdate::from(owner.user.clone());
    profile.display_name = parse(DisplayName::parse("Alex Morgan"))?;
    store
        .update_user(tenant, actor, owner.user.id, profile)
        .await?;

    let day = parse(DayWindows::new(vec![
        parse(TimeWindow::parse("09:00", "12:30"))?,
        parse(TimeWindow::parse("13:30", "17:00"))?,
    ]))?;
    store
        .put_availability(
            tenant,
            actor,
            owner.user.id,
            AvailabilityUpdate {
                timezone: owner.user.timezone.clone(),
                weekly_schedule: WeeklySchedule::weekdays(day),
            },
        )
        .await?;

    let intro = EventTypeFields {
        name: parse(DisplayName::parse("Intro call"))?,
        slug: parse(Slug::parse("intro-call"))?,
        description: Some(parse(LongText::parse(
            "A quick first conversation to see how we can help.",
        ))?),
        duration: parse(DurationMinutes::new(30))?,
        slot_interval: None,
        color: EventColor::Blue,
        location: Location::google_meet(),
        custom_questions: CustomQuestions::default(),
        reminder_settings: ReminderSettings::default(),
        setting_overrides: SettingOverrides::default(),
        is_active: true,
    };
    let deep_dive = EventTypeFields {
        name: parse(DisplayName::parse("Project deep dive"))?,
        slug: parse(Slug::parse("deep-dive"))?,
        description: Some(parse(LongText::parse(
            "An hour on your project, in person or on the phone.",
        ))?),
        duration: parse(DurationMinutes::new(60))?,
        slot_interval: Some(parse(DurationMinutes::new(30))?),
        color: EventColor::Purple,
        location: parse(Location::new(
            LocationType::Phone,
            Some("+1 555 010 0200".to_owned()),
            None,
        ))?,
        custom_questions: parse(serde_json::from_str::<CustomQuestions>(
            r#"[{"id":"company","label":"Company","type":"text","required":true},
                {"id":"topic","label":"What should we cover?","type":"textarea"}]"#,
        ))?,
        reminder_settings: ReminderSettings::default(),
        setting_overrides: SettingOverrides::default(),
        is_active: true,
    };
    for fields in [intro, deep_dive] {
        store
            .create_event_type(tenant, actor, fields, owner.user.id)
            .await?;
    }
    Ok(Some(Demo {
        email: owner.account.email.to_string(),
        password,
        api_token: created.api_token,
        public_api_url: format!(
            "{public_url}/api/public/scheduling/demo/users/{}",
            owner.user.username
        ),
        booking_page_url: format!("{public_url}/book/demo/{}", owner.user.username),
    }))
}
