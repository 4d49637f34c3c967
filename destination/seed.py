"""
Destination Care demo content for `manage.py seed_demo`, transcribed from the source text
(shared seeds/002): the page, its patient stories, team, process and airports.

Idempotent: the page is created once; its ordered items are matched by position, so a second run
changes nothing and a run after staff edits leaves their edits in place.
"""

from django.db import transaction

from core.cache import pages_invalidate_on_commit
from core.localization import translation_fill
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

# These are real families: each story's page says only what the seed says (who, from where, the
# condition in the title) until the foundation publishes the family's own account with their consent.
STORY_CONSENT = "The foundation will publish the family’s full story here, with their consent."
STORY_CONSENT_ES = "La fundación publicará aquí la historia completa de la familia, con su consentimiento."

STORIES = [
    {
        "place": "Nigeria, West Africa",
        "title": "Beyond Ventricular Septal Defect (VSD): Kiki’s Story",
        "body": (
            "This is Kiki’s story: a family from Nigeria, West Africa, facing a ventricular septal defect (VSD)."
            f"\n\n{STORY_CONSENT}"
        ),
    },
    {
        "place": "Oregon, USA",
        "title": "Beyond Open Fetal Surgery: A Spina Bifida Success Story",
        "body": (
            "This is a spina bifida success story: a family from Oregon, USA, and open fetal surgery."
            f"\n\n{STORY_CONSENT}"
        ),
    },
    {
        "place": "Virginia, USA",
        "title": "Beyond Spinal Muscular Atrophy: Fifi's Story",
        "body": (
            f"This is Fifi’s story: a family from Virginia, USA, facing spinal muscular atrophy.\n\n{STORY_CONSENT}"
        ),
    },
]

TEAM = [
    {
        "title": "Coordinating Physician",
        "description": (
            "A specialist physician reviews your child’s records, leads the medical plan with the specialists "
            "your child needs, and is the clinical contact for you and your referring physician before, during "
            "and after your visit."
        ),
    },
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


# --- Spanish (US Spanish, "usted") for the `_es` fields; lists parallel to the English ones ---------

PAGE_ES = {
    "hero_heading": "Vamos más allá de lo imaginable para cuidar a las familias, estén cerca o lejos.",
    "hero_body": (
        "Como la atención pediátrica especializada y de alta calidad que ofrecemos no está disponible en todas "
        "partes, creamos Destination Care. Destination Care apoya a las familias que vienen de otro estado o de "
        "otro país en busca de atención pediátrica especializada con nosotros.\n\n"
        "Ya sea que busque una segunda opinión, una evaluación inicial o simplemente más información sobre "
        "nuestros servicios, estamos aquí para ayudarle."
    ),
    "why_heading": f"¿Por qué elegir {HOSPITAL}?",
    "why_body": (
        f"{HOSPITAL} se dedica a transformar la salud y el bienestar de los niños, no solo en las comunidades a "
        "las que servimos, sino también para familias de todo el mundo. Estamos ampliando lo que significa tratar "
        "a los niños y nos esforzamos por ir más allá de los límites de la medicina para apoyar su bienestar "
        "físico, emocional y social."
    ),
    "research_label": "Estudios de investigación activos",
    "research_caption": "Transformando la salud y el bienestar de los niños",
    "team_heading": "Nuestro equipo",
    "team_intro": (
        "Nuestro objetivo es acompañarle en cada paso con un único punto de comunicación. Con cada decisión, pago "
        "u opción médica que tenga, queremos que se sienta plenamente informado y listo para dar el siguiente "
        "paso en la atención de su hijo.\n\n"
        "Nuestro equipo de Destination Care incluye:"
    ),
    "process_heading": "Nuestro proceso",
    "process_intro": f"Si planea visitar {HOSPITAL}, estos son los pasos que daremos juntos:",
    "stay_heading": "Su estadía",
    "preparing_heading": "Cómo prepararse para su visita",
    "preparing_body": (
        "Si viaja desde otro país, le recomendamos planificar con anticipación el tiempo adicional que necesite "
        "para obtener las autorizaciones y los documentos necesarios. Aquí, nuestra atención de alta calidad "
        "comienza mucho antes de que su familia cruce nuestras puertas. Conozca nuestras instalaciones y sepa "
        "qué esperar."
    ),
    "getting_here_heading": "Cómo llegar",
    "getting_here_body": (
        f"{HOSPITAL} Medical Center (el hospital) está ubicado en 282 Washington St., en Hartford, Connecticut."
    ),
    "lodging_heading": "Alojamiento, comida y otras necesidades",
    "lodging_body": (
        "En el área de Hartford, CT, hay muchas opciones de alojamiento a corto y largo plazo, así como "
        "restaurantes, comida para llevar y supermercados. Cualquier miembro de su equipo de Destination Care con "
        "gusto le dará la información específica que necesite."
    ),
    "form_heading": "¿Le interesa recibir tratamiento?",
    "form_intro": "Un miembro del equipo se comunicará con usted lo antes posible para atender su consulta.",
    "form_notice": (
        "Tenga en cuenta que enviar este formulario no garantiza la atención. Si tiene una necesidad médica "
        "urgente, busque atención local en su área; este formulario no sirve para tratar ni diagnosticar "
        "afecciones médicas."
    ),
}

STORIES_ES = [
    {
        "place": "Nigeria, África Occidental",
        "title": "Más allá de la comunicación interventricular (CIV): la historia de Kiki",
        "body": (
            "Esta es la historia de Kiki: una familia de Nigeria, África Occidental, frente a una comunicación "
            f"interventricular (CIV).\n\n{STORY_CONSENT_ES}"
        ),
    },
    {
        "place": "Oregón, EE. UU.",
        "title": "Más allá de la cirugía fetal abierta: una historia de éxito frente a la espina bífida",
        "body": (
            "Esta es una historia de éxito frente a la espina bífida: una familia de Oregón, EE. UU., y la cirugía "
            f"fetal abierta.\n\n{STORY_CONSENT_ES}"
        ),
    },
    {
        "place": "Virginia, EE. UU.",
        "title": "Más allá de la atrofia muscular espinal: la historia de Fifi",
        "body": (
            "Esta es la historia de Fifi: una familia de Virginia, EE. UU., frente a la atrofia muscular espinal."
            f"\n\n{STORY_CONSENT_ES}"
        ),
    },
]

TEAM_ES = [
    {
        "title": "Médico coordinador",
        "description": (
            "Un médico especialista revisa la historia clínica de su hijo, dirige el plan médico con los "
            "especialistas que su hijo necesita y es el contacto clínico para usted y para su médico de cabecera "
            "antes, durante y después de su visita."
        ),
    },
    {
        "title": "Coordinador de atención",
        "description": (
            "Sabemos que venir desde lejos es difícil, emocional, física y económicamente. Desde el momento en que "
            "nos elige para la atención de su hijo, su coordinador de atención será su punto de contacto durante "
            "toda su experiencia con nosotros. Puede contar con el coordinador de atención para conectarle con "
            "recursos locales y comunitarios y servicios de apoyo, para que su experiencia sea lo más sencilla "
            "posible."
        ),
    },
    {
        "title": "Coordinador financiero",
        "description": (
            "También sabemos que la atención médica puede ser un desafío económico para algunas familias. Su "
            "coordinador financiero le ayudará con gran parte de los trámites, como verificar los beneficios de su "
            "seguro, darle estimados de costos, planes de pago y más, durante todo el tratamiento de su hijo con "
            "nosotros."
        ),
    },
]

STEPS_ES = [
    {
        "title": "Envíe su consulta",
        "body": (
            "Mediante el formulario de esta página, si usted es un posible paciente. Si es un médico que refiere a "
            "un paciente a nuestros servicios, envíe una referencia con este formulario."
        ),
    },
    {
        "title": "Establezca el contacto",
        "body": (
            "Un miembro de nuestro equipo de Destination Care se comunicará con usted o con su médico de referencia "
            "para conocer mejor su situación particular."
        ),
    },
    {
        "title": "Servicios financieros",
        "body": (
            "Una vez que nuestro equipo clínico acepte su caso, nuestro equipo de servicios financieros trabajará "
            "con usted según los beneficios de su plan de seguro u otra forma de pago."
        ),
    },
    {
        "title": "Coordinación de la atención",
        "body": (
            "Todos los miembros del equipo de atención de su hijo trabajarán junto con usted, como un solo equipo, "
            "durante todo el tiempo que su hijo esté con nosotros."
        ),
    },
    {
        "title": "El regreso a casa",
        "body": (
            "Nuestro equipo de atención se asegurará de que usted y su familia estén preparados para regresar a casa "
            "con un plan de seguimiento adaptado a las necesidades de salud de su hijo."
        ),
    },
]

AIRPORTS_ES = [
    {"driving_time": "30 minutos", "distance": "16 millas"},
    {"location": "Queens, Nueva York", "driving_time": "2 horas", "distance": "115 millas"},
    {"driving_time": "1 hora y 30 minutos", "distance": "106 millas"},
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
            item, was_created = model.objects.get_or_create(page=page, position=position, defaults=row)
            created += was_created
            # A card the seed left blank before (the Coordinating Physician's) gets its text, once.
            if model is TeamRole and not was_created and item.title == row["title"] and not item.description:
                item.description = row["description"]
                item.save(update_fields=["description"])
            # A story seeded before stories had pages gets the seed's page text, once.
            if model is PatientStory and not was_created and item.title == row["title"] and not item.body:
                item.body = row["body"]
                item.save(update_fields=["body"])
    _write(stdout, f"Destination Care: {created} stories, team roles, steps and airports added")
    _write(stdout, f"Destination Care: {seed_destination_spanish(page=page)} items given their Spanish version")
    pages_invalidate_on_commit(content=True)  # the cached story pages


def seed_destination_spanish(*, page: DestinationPage) -> int:
    """Spanish where the English is still the seed's and the Spanish is blank; returns how many changed."""
    changed = 0
    fields = translation_fill(page, original=PAGE, translated=PAGE_ES)
    if fields:
        page.save(update_fields=fields)
        changed += 1
    for model, rows, translations in (
        (PatientStory, STORIES, STORIES_ES),
        (TeamRole, TEAM, TEAM_ES),
        (ProcessStep, STEPS, STEPS_ES),
        (Airport, AIRPORTS, AIRPORTS_ES),
    ):
        items = {item.position: item for item in model.objects.filter(page=page)}
        for position, (row, spanish) in enumerate(zip(rows, translations, strict=True), start=1):
            item = items.get(position)
            fields = translation_fill(item, original=row, translated=spanish) if item else []
            if fields:
                item.save(update_fields=fields)
                changed += 1
    return changed
