"""
Destination Care demo content for `manage.py seed_demo`, transcribed from the source text
(shared seeds/002): the page, its patient stories, team, process and airports.

Idempotent: the page is created once; its ordered items are matched by position, so a second run
changes nothing and a run after staff edits leaves their edits in place.
"""

from django.db import transaction

from destination.models import Airport, DestinationPage, PatientStory, ProcessStep, TeamRole

HOSPITAL = "Connecticut Children’s"

PAGE = {
    "hero_heading": "We go Beyond Imagination to care for families near—and far.",
    "hero_body": (
        "Because the high quality, specialized pediatric care we offer is not available everywhere, we’ve "
        "created Destination Care. Destination Care supports families coming from out of state or out of the "
        "country seeking pediatric specialty care with us.\n\n"
        "Whether you’re looking for a second opinion, an initial evaluation or just more information about our "
        "services, we’re here to help."
    ),
    "why_heading": f"Why Choose {HOSPITAL}?",
    "why_body": (
        f"{HOSPITAL} is dedicated to transforming children’s health and wellbeing—not only for the communities "
        "we serve, but also for families across the globe. We’re expanding what it means to treat children, and "
        "strive to go beyond the limits of medicine to support children’s physical, emotional and social "
        "well-being."
    ),
    "research_count": 465,
    "research_label": "Active Research Studies",
    "research_caption": "Transforming Children's Health and Well-being",
    "team_heading": "Our Team",
    "team_intro": (
        "Our goal is to support you each step of the way with a central communication source. We strive to make "
        "it clear with each decision, payment, or medical choice you have, that you feel fully informed and ready "
        "to take the next step in your child’s care.\n\n"
        "Our Destination Care team includes:"
    ),
    "process_heading": "Our Process",
    "process_intro": f"If you plan on visiting {HOSPITAL}, there are the steps we’ll take together:",
    "stay_heading": "Your Stay",
    "preparing_heading": "Preparing for your visit",
    "preparing_body": (
        "We encourage you to plan ahead of time if you are traveling internationally for any additional time you "
        "need to obtain appropriate approvals and documentation. Here, our high-quality care begins well before "
        "your family walks through our doors. Get acquainted with our facility and know what to expect."
    ),
    "preparing_url": "",
    "getting_here_heading": "Getting Here",
    "getting_here_body": (
        f"{HOSPITAL} Medical Center (the hospital) is located at 282 Washington St. in Hartford, Connecticut."
    ),
    "address": "282 Washington St., Hartford, CT",
    "lodging_heading": "Lodging, Food and Other Needs",
    "lodging_body": (
        "There are many options in the greater Hartford, CT area for short- and long-term lodging, as well as "
        "dining, takeout and grocery shopping. Any member of your Destination Care team will be happy to provide "
        "you with specific information you need."
    ),
    "form_heading": "Interested in Treatment?",
    "form_intro": "A team member will be in touch as soon as possible to address your inquiry.",
    "form_notice": (
        "Please note that submitting this form does not guarantee care. Please seek local care in your area for "
        "emergent medical needs; this form is not intended to treat or diagnose medical conditions."
    ),
}

STORIES = [
    {"place": "Nigeria, West Africa", "title": "Beyond Ventricular Septal Defect (VSD): Kiki’s Story"},
    {"place": "Oregon, USA", "title": "Beyond Open Fetal Surgery: A Spina Bifida Success Story"},
    {"place": "Virginia, USA", "title": "Beyond Spinal Muscular Atrophy: Fifi's Story"},
]

TEAM = [
    {"title": "Coordinating Physician", "description": ""},
    {
        "title": "Care Coordinator",
        "description": (
            "We recognize coming from far away is challenging—emotionally, physically and financially. From the "
            "moment you choose us for care, your Care Coordinator will serve as a point of contact during your "
            "experience with us. You can rely on the Care Coordinator to connect you with local and community "
            "resources and supportive services—making your experience as seamless as possible."
        ),
    },
    {
        "title": "Financial Coordinator",
        "description": (
            "We also recognize that healthcare can be a financial challenge to some families. Your Financial "
            "Coordinator will help you with much of the legwork such as verifying benefits, providing estimates, "
            "payment plans and more throughout the course of your child’s treatment with us."
        ),
    },
]

STEPS = [
    {
        "title": "Submit your inquiry",
        "body": (
            "Through the form on this page if you are a prospective patient. If you are a physician referring a "
            "patient to our services, submit a referral using this form."
        ),
    },
    {
        "title": "Make a connection",
        "body": (
            "A member of our Destination Care Team will reach out to you/your referring physician to learn more "
            "about your particular situation."
        ),
    },
    {
        "title": "Financial services",
        "body": (
            "Once our clinical team accepts your case, our financial services team will then work with you based "
            "on your insurance plan benefits or other ability to pay."
        ),
    },
    {
        "title": "Coordination of care",
        "body": (
            "Every member of your child’s care team will work together with you as a team throughout your child’s "
            "time with us."
        ),
    },
    {
        "title": "Returning home",
        "body": (
            "Our care team will ensure you and your family are prepared to return home with a follow-up care plan "
            "tailored to your child's health needs."
        ),
    },
]

AIRPORTS = [
    {
        "name": "Bradley International Airport",
        "location": "Windsor Locks, CT",
        "driving_time": "30 mins",
        "distance": "16 miles",
    },
    {
        "name": "John F. Kennedy International Airport",
        "location": "Queens, NY",
        "driving_time": "2 hours",
        "distance": "115 miles",
    },
    {
        "name": "Boston Logan International Airport",
        "location": "Boston, MA",
        "driving_time": "1 hour, 30 minutes",
        "distance": "106 miles",
    },
]


def _write(stdout, message: str) -> None:
    if stdout is not None:
        stdout.write(message)


@transaction.atomic
def seed_destination_content(*, stdout=None) -> None:
    """Load the Destination Care page's content from the seed text; safe to run twice."""
    page = DestinationPage.objects.order_by("pk").first()
    if page is None:
        page = DestinationPage.objects.create(**PAGE)
        _write(stdout, "Destination Care: page created")
    else:
        _write(stdout, "Destination Care: page exists, left as it is")
    created = 0
    for model, rows in ((PatientStory, STORIES), (TeamRole, TEAM), (ProcessStep, STEPS), (Airport, AIRPORTS)):
        for position, row in enumerate(rows, start=1):
            _item, was_created = model.objects.get_or_create(page=page, position=position, defaults=row)
            created += was_created
    _write(stdout, f"Destination Care: {created} stories, team roles, steps and airports added")
