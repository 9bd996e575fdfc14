// The one schema for both backends. Portable column types only.

diesel::table! {
    users (id) {
        id -> BigInt,
        email -> Text,
        name -> Text,
        role -> Text,
        password_hash -> Nullable<Text>,
        language -> Nullable<Text>,
        active -> Bool,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        email_verified_at -> Nullable<Timestamp>,
        organisation -> Nullable<Text>,
        registration_no -> Nullable<Text>,
    }
}

diesel::table! {
    sessions (id) {
        id -> BigInt,
        token_hash -> Text,
        user_id -> Nullable<BigInt>,
        csrf_token -> Text,
        language -> Nullable<Text>,
        created_at -> Timestamp,
        last_seen_at -> Timestamp,
        awaiting_factor -> Bool,
        factor_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    login_throttle (scope, subject) {
        scope -> Text,
        subject -> Text,
        failures -> Integer,
        window_start -> Timestamp,
        last_failure_at -> Timestamp,
    }
}

diesel::table! {
    setup_tokens (id) {
        id -> BigInt,
        token_hash -> Text,
        user_id -> Nullable<BigInt>,
        created_at -> Timestamp,
        expires_at -> Timestamp,
        used_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    email_tokens (id) {
        id -> BigInt,
        token_hash -> Text,
        user_id -> BigInt,
        purpose -> Text,
        created_at -> Timestamp,
        expires_at -> Timestamp,
        used_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    outbox (id) {
        id -> BigInt,
        event_key -> Text,
        recipient -> Text,
        kind -> Text,
        recipient_name -> Text,
        language -> Text,
        message_id -> Text,
        subject -> Text,
        body_text -> Text,
        body_html -> Text,
        status -> Text,
        attempts -> Integer,
        next_attempt_at -> Timestamp,
        locked_until -> Nullable<Timestamp>,
        last_error -> Nullable<Text>,
        sent_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        case_id -> Nullable<BigInt>,
        link_token_hash -> Nullable<Text>,
        opened_at -> Nullable<Timestamp>,
        calendar -> Nullable<Text>,
    }
}

diesel::table! {
    audit_log (id) {
        id -> BigInt,
        seq -> BigInt,
        occurred_at -> Timestamp,
        actor_id -> Nullable<BigInt>,
        actor -> Text,
        action -> Text,
        object_type -> Nullable<Text>,
        object_id -> Nullable<Text>,
        details -> Text,
        address -> Nullable<Text>,
        prev_hash -> Text,
        hash -> Text,
    }
}

diesel::table! {
    cases (id) {
        id -> BigInt,
        draft_key -> Text,
        case_no -> Nullable<Text>,
        filing_year -> Nullable<Integer>,
        filing_seq -> Nullable<Integer>,
        state -> Text,
        track -> Text,
        kind -> Text,
        title -> Text,
        description -> Text,
        ipc_class -> Nullable<Text>,
        damages_amount -> Nullable<BigInt>,
        damages_currency -> Nullable<Text>,
        remedy -> Text,
        origin -> Text,
        origin_reference -> Nullable<Text>,
        complainant_user_id -> Nullable<BigInt>,
        created_by -> BigInt,
        assigned_officer_id -> Nullable<BigInt>,
        search_text -> Text,
        version -> Integer,
        filed_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        next_due_on -> Nullable<Date>,
    }
}

diesel::table! {
    case_counts (state, kind, track) {
        state -> Text,
        kind -> Text,
        track -> Text,
        n -> BigInt,
    }
}

diesel::table! {
    filing_counters (year) {
        year -> Integer,
        last_seq -> Integer,
    }
}

diesel::table! {
    parties (id) {
        id -> BigInt,
        case_id -> BigInt,
        side -> Text,
        position -> Integer,
        party_kind -> Text,
        name -> Text,
        registration_no -> Nullable<Text>,
        size -> Nullable<Text>,
        address -> Nullable<Text>,
        email -> Nullable<Text>,
        phone -> Nullable<Text>,
        counsel_name -> Nullable<Text>,
        counsel_firm -> Nullable<Text>,
        counsel_email -> Nullable<Text>,
        user_id -> Nullable<BigInt>,
        country -> Nullable<Text>,
    }
}

diesel::table! {
    case_notes (id) {
        id -> BigInt,
        case_id -> BigInt,
        author_id -> BigInt,
        visibility -> Text,
        body -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    case_changes (id) {
        id -> BigInt,
        case_id -> BigInt,
        actor_id -> BigInt,
        field -> Text,
        old_value -> Nullable<Text>,
        new_value -> Nullable<Text>,
        changed_at -> Timestamp,
    }
}

diesel::table! {
    case_events (id) {
        id -> BigInt,
        case_id -> BigInt,
        action -> Text,
        from_state -> Text,
        to_state -> Text,
        actor_id -> Nullable<BigInt>,
        actor_as -> Text,
        details -> Text,
        at -> Timestamp,
    }
}

diesel::table! {
    deadlines (id) {
        id -> BigInt,
        case_id -> BigInt,
        kind -> Text,
        due_on -> Date,
        status -> Text,
        paused_on -> Nullable<Date>,
        opened_at -> Timestamp,
        closed_at -> Nullable<Timestamp>,
        reminded_before -> Bool,
        reminded_on_day -> Bool,
        paused_days -> Integer,
    }
}

diesel::table! {
    panel_members (case_id, mediator_id) {
        case_id -> BigInt,
        mediator_id -> BigInt,
        assigned_at -> Timestamp,
    }
}

diesel::table! {
    mediation_sessions (id) {
        id -> BigInt,
        case_id -> BigInt,
        held_at -> Timestamp,
        place -> Text,
        held -> Bool,
        complainant_attended -> Nullable<Bool>,
        respondent_attended -> Nullable<Bool>,
        minutes -> Nullable<Text>,
        recorded_by -> BigInt,
        created_at -> Timestamp,
    }
}

diesel::table! {
    proposals (id) {
        id -> BigInt,
        case_id -> BigInt,
        body -> Text,
        issued_by -> BigInt,
        issued_at -> Timestamp,
    }
}

diesel::table! {
    proposal_answers (proposal_id, party_id) {
        proposal_id -> BigInt,
        party_id -> BigInt,
        accepted -> Bool,
        answered_by -> BigInt,
        at -> Timestamp,
    }
}

diesel::table! {
    invitations (id) {
        id -> BigInt,
        case_id -> BigInt,
        party_id -> BigInt,
        email -> Text,
        token_hash -> Text,
        created_at -> Timestamp,
        expires_at -> Timestamp,
        used_at -> Nullable<Timestamp>,
        used_by -> Nullable<BigInt>,
    }
}

diesel::table! {
    case_closures (case_id) {
        case_id -> BigInt,
        outcome -> Text,
        closed_at -> Timestamp,
        days_open -> Integer,
        sessions -> Integer,
        respondent_appeared -> Bool,
        respondent_size -> Nullable<Text>,
        kind -> Text,
        track -> Text,
        origin -> Text,
    }
}

diesel::table! {
    rights (id) {
        id -> BigInt,
        docdb -> Text,
        base -> Text,
        country -> Text,
        kind_code -> Nullable<Text>,
        kind_presumed -> Bool,
        right_kind -> Text,
        display -> Text,
        title -> Text,
        other_titles -> Text,
        applicants -> Text,
        owners -> Text,
        inventors -> Text,
        application_no -> Nullable<Text>,
        filing_date -> Nullable<Date>,
        publication_date -> Nullable<Date>,
        grant_date -> Nullable<Date>,
        status -> Nullable<Text>,
        #[sql_name = "abstract"]
        abstract_text -> Nullable<Text>,
        source -> Text,
        search_text -> Text,
        data_hash -> Text,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    right_classes (right_id, scheme, symbol) {
        right_id -> BigInt,
        scheme -> Text,
        symbol -> Text,
        subclass -> Text,
        main_group -> Text,
    }
}

diesel::table! {
    right_publications (right_id, position) {
        right_id -> BigInt,
        position -> Integer,
        docdb -> Text,
        base -> Text,
    }
}

diesel::table! {
    right_citations (right_id, position) {
        right_id -> BigInt,
        position -> Integer,
        cited_docdb -> Text,
        cited_base -> Text,
        cited_display -> Text,
        category -> Nullable<Text>,
    }
}

diesel::table! {
    case_rights (id) {
        id -> BigInt,
        case_id -> BigInt,
        right_id -> BigInt,
        role -> Text,
        claims -> Text,
        note -> Text,
        linked_by -> BigInt,
        linked_at -> Timestamp,
    }
}

diesel::joinable!(parties -> cases (case_id));
diesel::joinable!(case_notes -> cases (case_id));
diesel::joinable!(case_notes -> users (author_id));
diesel::joinable!(case_changes -> cases (case_id));
diesel::joinable!(case_events -> cases (case_id));
diesel::joinable!(deadlines -> cases (case_id));
diesel::joinable!(panel_members -> users (mediator_id));
diesel::joinable!(mediation_sessions -> cases (case_id));
diesel::joinable!(proposal_answers -> parties (party_id));
diesel::joinable!(sessions -> users (user_id));
diesel::joinable!(email_tokens -> users (user_id));
diesel::joinable!(setup_tokens -> users (user_id));
diesel::joinable!(right_classes -> rights (right_id));
diesel::joinable!(right_citations -> rights (right_id));
diesel::joinable!(right_publications -> rights (right_id));
diesel::joinable!(case_rights -> rights (right_id));
diesel::joinable!(case_rights -> cases (case_id));

diesel::table! {
    exhibits (id) {
        id -> BigInt,
        case_id -> BigInt,
        number -> Integer,
        side -> Text,
        title -> Text,
        description -> Text,
        visibility -> Text,
        file_name -> Text,
        content_type -> Text,
        extension -> Text,
        size -> BigInt,
        sha256 -> Text,
        uploaded_by -> BigInt,
        uploaded_at -> Timestamp,
        supports_event_id -> Nullable<BigInt>,
        supersedes_id -> Nullable<BigInt>,
        superseded_by_id -> Nullable<BigInt>,
    }
}

diesel::table! {
    exhibit_counters (case_id, side) {
        case_id -> BigInt,
        side -> Text,
        issued -> Integer,
    }
}

diesel::table! {
    custody_events (id) {
        id -> BigInt,
        exhibit_id -> BigInt,
        action -> Text,
        actor_id -> Nullable<BigInt>,
        actor_name -> Text,
        actor_role -> Text,
        at -> Timestamp,
        address -> Nullable<Text>,
        details -> Text,
    }
}

diesel::joinable!(exhibits -> cases (case_id));
diesel::joinable!(custody_events -> exhibits (exhibit_id));

diesel::table! {
    bundles (id) {
        id -> BigInt,
        public_id -> Text,
        case_id -> BigInt,
        audience -> Text,
        language -> Text,
        status -> Text,
        requested_by -> BigInt,
        requested_at -> Timestamp,
        started_at -> Nullable<Timestamp>,
        finished_at -> Nullable<Timestamp>,
        lease_until -> Nullable<Timestamp>,
        attempts -> Integer,
        files_total -> BigInt,
        files_done -> BigInt,
        bytes_total -> BigInt,
        bytes_done -> BigInt,
        file_name -> Nullable<Text>,
        size -> Nullable<BigInt>,
        sha256 -> Nullable<Text>,
        error -> Nullable<Text>,
        content_key -> Nullable<Text>,
        file_deleted_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    bundle_exhibits (bundle_id, exhibit_id) {
        bundle_id -> BigInt,
        exhibit_id -> BigInt,
    }
}

diesel::joinable!(bundles -> cases (case_id));
diesel::joinable!(bundle_exhibits -> bundles (bundle_id));
diesel::joinable!(bundle_exhibits -> exhibits (exhibit_id));

diesel::table! {
    case_reads (user_id, case_id) {
        user_id -> BigInt,
        case_id -> BigInt,
        seen_at -> Timestamp,
    }
}

diesel::table! {
    audit_checks (id) {
        id -> BigInt,
        checked_at -> Timestamp,
        entries -> BigInt,
        intact -> Bool,
        broken_seq -> Nullable<BigInt>,
        reason -> Nullable<Text>,
        checked_by -> Nullable<BigInt>,
    }
}

diesel::joinable!(case_reads -> cases (case_id));

diesel::table! {
    calendar_feeds (user_id) {
        user_id -> BigInt,
        generation -> Integer,
        active -> Bool,
        renewed_at -> Timestamp,
    }
}

diesel::table! {
    office_keys (id) {
        id -> BigInt,
        generation -> Integer,
        fingerprint -> Text,
        public_key -> Text,
        sealed_private_key -> Text,
        valid_from -> Timestamp,
        valid_until -> Nullable<Timestamp>,
        created_by -> Nullable<BigInt>,
    }
}

diesel::joinable!(office_keys -> users (created_by));

diesel::table! {
    stats_facts (case_id) {
        case_id -> BigInt,
        filed_month -> Integer,
        kind -> Text,
        track -> Text,
        size -> Text,
        field -> Text,
        cells -> Text,
    }
}
diesel::table! {
    stats_months (month, kind, track, size, field) {
        month -> Integer,
        kind -> Text,
        track -> Text,
        size -> Text,
        field -> Text,
        filed -> BigInt,
        foreign_respondent -> BigInt,
        country_unknown -> BigInt,
        claimed_krw -> BigInt,
        closed -> BigInt,
        sessions -> BigInt,
        with_sessions -> BigInt,
        appeared -> BigInt,
        claims -> Text,
        outcomes -> Text,
        days -> Text,
        states -> Text,
        fields -> Text,
        rights -> Text,
    }
}
diesel::joinable!(stats_facts -> cases (case_id));
diesel::allow_tables_to_appear_in_same_query!(
    users,
    sessions,
    login_throttle,
    setup_tokens,
    email_tokens,
    outbox,
    audit_log,
    cases,
    case_counts,
    filing_counters,
    parties,
    case_notes,
    case_changes,
    case_events,
    deadlines,
    panel_members,
    mediation_sessions,
    proposals,
    proposal_answers,
    invitations,
    case_closures,
    rights,
    right_classes,
    right_citations,
    right_publications,
    case_rights,
    exhibits,
    exhibit_counters,
    custody_events,
    bundles,
    bundle_exhibits,
    case_reads,
    audit_checks,
    calendar_feeds,
    stats_facts,
    stats_months,
    office_keys,
    totp_secrets,
    passkeys,
    recovery_codes,
    passkey_challenges,
);

diesel::table! {
    totp_secrets (id) {
        id -> BigInt,
        user_id -> BigInt,
        sealed_secret -> Text,
        confirmed_at -> Nullable<Timestamp>,
        last_step -> BigInt,
        created_at -> Timestamp,
    }
}

diesel::table! {
    passkeys (id) {
        id -> BigInt,
        user_id -> BigInt,
        name -> Text,
        credential_id -> Text,
        user_handle -> Text,
        credential -> Text,
        created_at -> Timestamp,
        last_used_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    recovery_codes (id) {
        id -> BigInt,
        user_id -> BigInt,
        code_hash -> Text,
        used_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    passkey_challenges (id) {
        id -> Text,
        purpose -> Text,
        user_id -> Nullable<BigInt>,
        state -> Text,
        created_at -> Timestamp,
    }
}

diesel::joinable!(totp_secrets -> users (user_id));
diesel::joinable!(passkeys -> users (user_id));
diesel::joinable!(recovery_codes -> users (user_id));
