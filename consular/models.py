"""Imports every domain's tables, so the metadata is complete for migrations and tests."""

from __future__ import annotations


def load_all() -> None:
    from consular.audit import models as audit_models
    from consular.auth import models as auth_models
    from consular.cases import models as case_models
    from consular.documents import models as document_models
    from consular.facilities import models as facility_models
    from consular.families import models as family_models
    from consular.flights import models as flight_models
    from consular.hotline import models as hotline_models
    from consular.incidents import models as incident_models
    from consular.interviews import models as interview_models
    from consular.keys import models as key_models
    from consular.notifications import models as notification_models
    from consular.reentry import models as reentry_models
    from consular.referrals import models as referral_models
    from consular.registry import models as registry_models
    from consular.visits import models as visit_models

    del audit_models, auth_models, case_models, incident_models, registry_models
    del family_models, notification_models, flight_models, reentry_models
    del key_models, facility_models, visit_models, interview_models, document_models
    del referral_models, hotline_models
