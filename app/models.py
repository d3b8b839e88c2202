"""Imports every model so that the metadata is complete (migrations, tests, create_all)."""
from app.auth.models import ApiToken, MentorExpertise, MentorProfile, User, UserRole, UserSession  # noqa: F401
from app.businesses.models import Business, BusinessKindSetting  # noqa: F401
from app.cases.models import (  # noqa: F401
    Case,
    CaseAssignment,
    CaseLog,
    CaseRequest,
    CaseStageChange,
    ServiceItem,
    ServiceItemChange,
    ServiceType,
)
from app.codes.models import CodeItem  # noqa: F401
from app.core.audit import AuditEntry  # noqa: F401
from app.core.submissions import FormDraft, FormSubmission  # noqa: F401
from app.dashboard.models import (  # noqa: F401
    BusinessMonthCount,
    TargetYear,
    VillageBusinessCount,
    VillageCaseCount,
    VillagePersonCount,
    YearlyTarget,
)
from app.persons.models import Person, PersonNameKey  # noqa: F401
from app.regions.models import Region  # noqa: F401
from app.subsidies.models import (  # noqa: F401
    Application,
    Attachment,
    Grant,
    Loan,
    LprRate,
    Programme,
    RuleVersion,
)
