"""
Demo content for `manage.py seed_demo`: the first campaign (from the foundation's campaign
brochure, rewritten as Markdown), its updates, a hero picture drawn with Pillow, and a spread of
demo gifts. Content only: nothing in the site's code depends on it.
"""

import datetime
import io
import random

from PIL import Image, ImageDraw, ImageFilter, ImageOps

CAMPAIGN_SLUG = "infusion-dialysis-centers"
GIFT_MARKER_PREFIX = "demo-seed-"
GIFT_COUNT = 150

CAMPAIGN = {
    "title": "Infusion & Outpatient Dialysis Centers",
    "slug": CAMPAIGN_SLUG,
    "tagline": (
        "A larger, child-friendly Infusion Center and the state’s first pediatric outpatient "
        "Dialysis Center, so children get world-class care close to home."
    ),
    "goal_cents": 5_000_000_00,
    "preset_amounts": "25, 50, 100, 250, 500, 1000",
    "hero_image_alt": (
        "An illustration of the children’s hospital on a green hill under a warm morning sun, "
        "with a heart on its front."
    ),
}

STORY = """\
**More than 3,000 infusions take place each year at Connecticut Children’s Medical Center.**
While the number of children who need regular intravenous (IV) infusions is large, the room in
which they receive them is not.

## A hospital that keeps growing

Since opening in Hartford in 1996, Connecticut Children’s Medical Center has been constantly
growing, adding services, staff and equipment. But as our reputation and our capabilities have
grown, so too has the number of families and children seeking our services, and we need more
space. One of the areas in greatest need of expansion is our infusion facilities: often small
spaces tucked away in tight quarters throughout the Medical Center.

## A room our patients have outgrown

Built in the Gastroenterology Division in 1996, our infusion room measures just **363 square
feet** and has only **six infusion chairs**. It still works, but it is often crowded and offers
little privacy for patients and their families. When it is full, some children receive their
infusions in distant corners of the hospital, adding stress and anxiety to an already hard day.

Very sick patients also receive infusions on the inpatient floors, in the Hematology/Oncology
Clinic or in the Emergency Department. If a child with cancer urgently needs an infusion and no
chair is free, they are sent to the Emergency Department, which happens at least twice a month.
That is a stressful setting for a child, and it takes space the Emergency Department needs.

For young children the crowded room is even more intimidating when there is no place to regroup
after the invasive procedures infusion therapy requires. In nearly all cases there is very
little privacy, and there isn’t enough space for families to stay with their child.

## Dialysis should not mean a trip to another state

Children who need outpatient dialysis must travel to Boston, New York or Philadelphia. When a
family cannot make that trip, children, some as young as 15 months old who need dialysis to
live, have no choice but to visit an adult dialysis center in Connecticut.

**With your help, we can change all that.**

## First-class centers, world-class care

As a first-class, nationally renowned medical center, Connecticut Children’s is committed to
providing the best care possible for all patients. Infusion therapy can be an isolating and
challenging experience for children with chronic conditions, and we are committed to enhancing
the care experience for them, while establishing a precious and unique resource: the only
facility in the state that provides pediatric outpatient dialysis.

With your gift, we will build a new, larger **Infusion Center**, where children receive their
infusions in comfort and privacy, and the state’s first and only pediatric **Outpatient
Dialysis Center**: two first-class facilities where children from across the state and the
region can receive world-class care close to home.

- Infusion chairs will grow **from six to twelve**, in private treatment bays large enough for
  families to stay together.
- An open, child-friendly space will give children room to regroup and find relief between
  procedures.
- The Dialysis Center will offer a service not available anywhere else in the state.
- Both centers will have state-of-the-art equipment and, of course, the most dedicated and
  caring staff anywhere.

The new centers will treat Crohn’s disease, ulcerative colitis, juvenile idiopathic arthritis,
kidney disease and a host of other chronic conditions, for patients of nine divisions:
Gastroenterology, Rheumatology, Infectious Disease, Endocrinology, Genetics, Neurology,
Cardiology, Pulmonology and Urology/Nephrology. They will let us meet the need for more clinical
space, optimize care and expand services for an ever-increasing number of children.

## What is infusion therapy?

An infusion delivers medicine or treatment directly into a vein when a child’s illness is too
serious for medicine by mouth or injection. For some children one visit is enough. For others,
such as children with Crohn’s disease, infusions are ongoing: weekly or monthly visits that can
last all day and continue for years. A single infusion can take anywhere from 30 minutes to
eight hours.

We treat infants, children and teenagers with gastrointestinal disorders, juvenile idiopathic
arthritis, infectious diseases, immune deficiencies, endocrine disorders and more. For many of
them, infusions begin early in life and shape a “new normal”. We want that normal to feel as
safe and as welcoming as we can make it.

## Join us

From children with inflammatory bowel disease to children with immune-mediated neurological
conditions and severe bone diseases, the new centers will greatly improve the care our
patients receive, and give children and families the chance to meet, make friends and support
one another while receiving the highest quality of care available in the region.

Please join us in building the new Infusion & Outpatient Dialysis Centers. The campaign is now
underway: [read the latest update on our blog](/updates/).
"""

FIGURES = [
    ("3,000+", "infusions a year"),
    ("6 → 12", "infusion chairs"),
    ("1st", "pediatric outpatient dialysis center in the state"),
    ("363 sq ft", "infusion room today"),
]

DIVISIONS = [
    "Gastroenterology",
    "Rheumatology",
    "Infectious Disease",
    "Endocrinology",
    "Genetics",
    "Neurology",
    "Cardiology",
    "Pulmonology",
    "Urology/Nephrology",
]

DESIGNATIONS = [
    {
        "name": "Infusion Center",
        "slug": "infusion-center",
        "description": "Twelve infusion chairs in private, family-sized treatment bays.",
        "is_default": False,
    },
    {
        "name": "Dialysis Center",
        "slug": "dialysis-center",
        "description": "The state’s first pediatric outpatient dialysis center.",
        "is_default": False,
    },
    {
        "name": "Greatest need",
        "slug": "greatest-need",
        "description": "Wherever the two centers need it most.",
        "is_default": True,
    },
]

MILESTONES = [
    (1_000_000_00, "Design complete, construction begins"),
    (2_500_000_00, "Twelve infusion chairs in private bays"),
    (4_000_000_00, "Dialysis stations and water treatment installed"),
    (5_000_000_00, "Both centers open to children"),
]

# (slug, title, summary, body, status, days from now (negative = past), has image)
UPDATES = [
    (
        "campaign-launch",
        "The campaign is underway",
        "We have launched the campaign for new Infusion & Outpatient Dialysis Centers.",
        """\
Today we launched our campaign to build two first-class centers at Connecticut Children’s: a
larger **Infusion Center** and the state’s first pediatric **Outpatient Dialysis Center**.

Thank you to the families, physicians and nurses who shared their stories with us while we
planned. Every gift, of every size, brings these centers closer.

[Read the full story](/) and follow our progress here.
""",
        "published",
        -52,
        True,
    ),
    (
        "meet-the-infusion-team",
        "Meet the nurses of the infusion room",
        "Six chairs, 363 square feet, and a team that makes it feel bigger every day.",
        """\
Our infusion nurses care for children who come back week after week, sometimes for years.
They know which child likes the window seat, who needs a warm blanket and whose favorite
movie is on repeat.

> “The kids deserve a space as big as their courage.” (one of our infusion nurses)

In the new Infusion Center, each family will have a private bay with room for a parent to stay
close, and the team will finally have the space to do what they do best.
""",
        "published",
        -24,
        False,
    ),
    (
        "first-milestone-reached",
        "First milestone reached: construction begins",
        "Thanks to you, design is complete and construction of the new centers can begin.",
        """\
We reached our first milestone: **design is complete and construction begins**.

The architects worked with patients, families and clinicians to plan bright, private
treatment bays, a play corner and a family lounge. Next: the twelve infusion chairs.
""",
        "published",
        -6,
        False,
    ),
    (
        "dialysis-center-design-preview",
        "A first look at the Dialysis Center",
        "Drawings of the state’s first pediatric outpatient dialysis center.",
        """\
A first look at the plans for the Dialysis Center: four dialysis stations, a school corner so
children keep up with class, and a quiet room for families.
""",
        "published",
        +9,
        False,
    ),
    (
        "thank-you-donors-draft",
        "Thank you to our first thousand donors (draft)",
        "A thank-you note, to be published when we pass a thousand donors.",
        "Draft: thank our first thousand donors, with a photo from the ground-breaking.",
        "draft",
        -1,
        False,
    ),
]

FIRST_NAMES = [
    "Maria", "James", "Aisha", "Daniel", "Sofia", "Michael", "Priya", "David", "Emily", "Carlos",
    "Grace", "Kevin", "Hannah", "Luis", "Olivia", "Samuel", "Chloe", "Anthony", "Mei", "Robert",
    "Fatima", "Thomas", "Isabella", "Jamal", "Laura", "Patrick", "Nadia", "Brian", "Rosa", "Ethan",
]  # fmt: skip
LAST_NAMES = [
    "Rivera", "O’Connor", "Nguyen", "Kowalski", "Patel", "Johnson", "Santos", "Murphy", "Chen",
    "Williams", "Haddad", "Brown", "Garcia", "Levine", "Okafor", "Rossi", "Kim", "Dubois",
]  # fmt: skip
MESSAGES = [
    "For Lily, who spent so many afternoons in the infusion room. She’s 12 now and thriving!",
    "Thank you to the nurses who made every visit feel a little less scary.",
    "In memory of our grandson. Every child deserves care close to home.",
    "From the 4th grade class at Elm Street School: we held a bake sale!",
    "So no family has to drive to Boston for dialysis again.",
    "Go team! Proud to support this.",
    "For our son’s infusion buddies. See you on Tuesday!",
]
OFFLINE_DONORS = [
    ("The Whitaker Family Foundation", 150_000_00),
    ("Hartford Rotary Club", 25_000_00),
    ("St. Mark’s Parish Outreach", 5_000_00),
    ("Greater Valley Credit Union", 50_000_00),
    ("Anonymous check", 10_000_00),
    ("The Delgado Family", 75_000_00),
]
PLEDGE = ("Connecticut Health Partners", 750_000_00)
ONLINE_AMOUNTS = [25, 25, 35, 50, 50, 50, 75, 100, 100, 100, 150, 250, 250, 500, 1000, 2500, 5000, 10000]


def demo_gifts(*, now: datetime.datetime) -> list[dict]:
    """
    The demo gifts as plain dicts (each with its unique marker), the same list on every run.
    Dates are relative to `now`: the past 60 days.
    """
    rng = random.Random(20261122)  # noqa: S311 - demo data, not security
    gifts = []
    offline_slots = {9: 0, 27: 1, 48: 2, 71: 3, 96: 4, 120: 5}
    designation_choices = ["greatest-need"] * 5 + ["infusion-center"] * 3 + ["dialysis-center"] * 2
    for index in range(GIFT_COUNT):
        marker = f"{GIFT_MARKER_PREFIX}{index + 1:04d}"
        paid_at = (
            now
            - datetime.timedelta(days=60)
            + datetime.timedelta(seconds=int(60 * 86400 * (index + 1) / (GIFT_COUNT + 1)))
        )
        paid_at -= datetime.timedelta(minutes=rng.randint(0, 600))
        gift = {"reference": marker, "paid_at": paid_at, "designation": rng.choice(designation_choices)}
        if index in offline_slots:
            name, cents = OFFLINE_DONORS[offline_slots[index]]
            anonymous = name.startswith("Anonymous")
            gift.update(
                source="check",
                amount_cents=cents,
                donor_name="" if anonymous else name,
                display_name="" if anonymous else name,
                is_anonymous=anonymous,
                received_on=paid_at.date(),
                designation="greatest-need",
            )
        elif index == 84:
            name, cents = PLEDGE
            gift.update(
                source="pledge",
                amount_cents=cents,
                donor_name=name,
                display_name=name,
                expected_on=(now + datetime.timedelta(days=365)).date(),
                received_on=paid_at.date(),
                designation="dialysis-center",
            )
        else:
            first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
            # About one donor in eight gives twice: the donor count is people, not gifts.
            donor_number = index if index % 8 else max(0, index - 5)
            dollars = rng.choice(ONLINE_AMOUNTS)
            anonymous = rng.random() < 0.15
            display = rng.choice([f"{first} {last[0]}.", f"{first} {last}", f"The {last} Family", first])
            gift.update(
                source="online",
                amount_cents=dollars * 100,
                fee_cents=0,
                covers_fee=rng.random() < 0.4,
                donor_name=f"{first} {last}",
                donor_email=f"demo-donor-{donor_number:04d}@example.org",
                display_name="" if anonymous else display,
                is_anonymous=anonymous,
                frequency="monthly" if index % 17 == 3 else "one_time",
                message=MESSAGES[index % len(MESSAGES)] if index % 11 == 2 else "",
            )
        gifts.append(gift)
    return gifts


def draw_hero(*, width: int = 2000, height: int = 1000) -> bytes:
    """A warm, friendly illustration (no photo, no download): a hospital on a hill at sunrise."""
    image = _draw_scene()
    if (width, height) != image.size:
        image = ImageOps.fit(image, (width, height), Image.LANCZOS, centering=(0.5, 0.6))
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=88)
    return buffer.getvalue()


def _draw_scene() -> Image.Image:
    width, height = 2000, 1000
    image = Image.new("RGB", (width, height))
    draw = ImageDraw.Draw(image)
    top, bottom = (255, 214, 170), (255, 244, 228)
    for y in range(height):
        t = y / height
        draw.line([(0, y), (width, y)], fill=tuple(round(top[i] + (bottom[i] - top[i]) * t) for i in range(3)))
    # Sun with a soft glow.
    glow = Image.new("L", (width, height), 0)
    ImageDraw.Draw(glow).ellipse((1320, 90, 1760, 530), fill=150)
    glow = glow.filter(ImageFilter.GaussianBlur(60))
    image.paste((255, 196, 120), mask=glow)
    draw.ellipse((1420, 190, 1660, 430), fill=(255, 170, 80))
    # Clouds.
    for cx, cy, scale in ((300, 180, 1.0), (820, 120, 0.7), (1080, 260, 0.55)):
        for dx, dy, r in ((0, 0, 60), (70, -25, 75), (150, 0, 60), (75, 25, 55)):
            rr = r * scale
            x, y = cx + dx * scale, cy + dy * scale
            draw.ellipse((x - rr, y - rr, x + rr, y + rr), fill=(255, 253, 248))
    # Hills.
    draw.ellipse((-400, 640, 1300, 1500), fill=(140, 200, 150))
    draw.ellipse((700, 700, 2500, 1500), fill=(110, 180, 135))
    draw.ellipse((-200, 820, 2300, 1700), fill=(90, 160, 120))
    # The hospital: a main block, a wing, windows and a heart.
    draw.rounded_rectangle((700, 430, 1200, 820), radius=18, fill=(250, 250, 252))
    draw.rounded_rectangle((1180, 540, 1440, 820), radius=14, fill=(236, 242, 250))
    draw.rectangle((700, 430, 1200, 470), fill=(11, 92, 171))
    draw.rectangle((1180, 540, 1440, 570), fill=(11, 92, 171))
    palette = [(255, 205, 110), (150, 200, 240), (255, 160, 130), (160, 220, 170)]
    for row in range(3):
        for col in range(5):
            x, y = 735 + col * 92, 500 + row * 95
            draw.rounded_rectangle((x, y, x + 56, y + 60), radius=8, fill=palette[(row + col) % len(palette)])
    for col in range(2):
        x = 1215 + col * 110
        draw.rounded_rectangle((x, 600, x + 70, 660), radius=8, fill=palette[(col + 1) % len(palette)])
    draw.rounded_rectangle((910, 762, 990, 820), radius=10, fill=(242, 107, 58))
    # A heart above the door.
    cx, cy, r = 950, 395, 34
    draw.ellipse((cx - 2 * r, cy - r, cx, cy + r), fill=(242, 107, 58))
    draw.ellipse((cx, cy - r, cx + 2 * r, cy + r), fill=(242, 107, 58))
    draw.polygon([(cx - 2 * r + 4, cy + 10), (cx + 2 * r - 4, cy + 10), (cx, cy + 2 * r + 22)], fill=(242, 107, 58))
    # Trees.
    for tx, ty, s in ((520, 760, 1.0), (600, 790, 0.8), (1530, 770, 0.9), (1620, 800, 1.1)):
        draw.rectangle((tx - 8 * s, ty, tx + 8 * s, ty + 70 * s), fill=(120, 85, 60))
        draw.ellipse((tx - 55 * s, ty - 90 * s, tx + 55 * s, ty + 20 * s), fill=(70, 150, 100))
    return image


# --- Spanish (US Spanish, "usted"): what seed_demo puts in the `_es` fields -----------------------

CAMPAIGN_ES = {
    "title": "Centros de Infusión y de Diálisis Ambulatoria",
    "tagline": (
        "Un Centro de Infusión más amplio y pensado para los niños, y el primer Centro de Diálisis "
        "Ambulatoria pediátrica del estado, para que los niños reciban atención de primer nivel cerca de casa."
    ),
    "hero_image_alt": (
        "Ilustración del hospital infantil sobre una colina verde bajo un cálido sol de la mañana, "
        "con un corazón en la fachada."
    ),
}

STORY_ES = """\
**Cada año se realizan más de 3,000 infusiones en el Connecticut Children’s Medical Center.**
Aunque son muchos los niños que necesitan infusiones intravenosas (IV) con regularidad, la sala
donde las reciben es pequeña.

## Un hospital que no deja de crecer

Desde su apertura en Hartford en 1996, el Connecticut Children’s Medical Center no ha dejado de
crecer, sumando servicios, personal y equipos. Pero a medida que crecieron nuestra reputación y
nuestras capacidades, también creció el número de familias y niños que buscan nuestros servicios,
y necesitamos más espacio. Una de las áreas que más necesita ampliarse son nuestras instalaciones
de infusión: a menudo, espacios pequeños y apretados repartidos por el centro médico.

## Una sala que a nuestros pacientes ya les queda chica

Construida en la División de Gastroenterología en 1996, nuestra sala de infusión mide apenas
**363 pies cuadrados** y tiene solo **seis sillones de infusión**. Todavía funciona, pero a menudo
está llena y ofrece poca privacidad a los pacientes y sus familias. Cuando no hay lugar, algunos
niños reciben sus infusiones en rincones apartados del hospital, lo que suma estrés y ansiedad a
un día que ya es difícil.

Los pacientes muy enfermos también reciben infusiones en los pisos de hospitalización, en la
Clínica de Hematología y Oncología o en el Departamento de Emergencias. Si un niño con cáncer
necesita una infusión con urgencia y no hay un sillón libre, lo envían al Departamento de
Emergencias, algo que ocurre al menos dos veces al mes. Es un entorno estresante para un niño, y
ocupa un espacio que el Departamento de Emergencias necesita.

Para los niños pequeños, la sala llena es todavía más intimidante cuando no hay un lugar donde
reponerse después de los procedimientos invasivos que requiere la terapia de infusión. Casi
siempre hay muy poca privacidad, y no hay espacio suficiente para que la familia acompañe al niño.

## La diálisis no debería significar un viaje a otro estado

Los niños que necesitan diálisis ambulatoria deben viajar a Boston, Nueva York o Filadelfia.
Cuando una familia no puede hacer ese viaje, los niños, algunos de apenas 15 meses que necesitan
diálisis para vivir, no tienen otra opción que acudir a un centro de diálisis para adultos en
Connecticut.

**Con su ayuda, podemos cambiar todo eso.**

## Centros de primera, atención de primer nivel

Como centro médico de primera y de renombre nacional, Connecticut Children’s se compromete a
brindar la mejor atención posible a todos sus pacientes. La terapia de infusión puede ser una
experiencia solitaria y difícil para los niños con enfermedades crónicas, y nos comprometemos a
mejorar su experiencia de atención, al tiempo que creamos un recurso valioso y único: el único
centro del estado que ofrece diálisis ambulatoria pediátrica.

Con su donación construiremos un nuevo y más amplio **Centro de Infusión**, donde los niños reciban
sus infusiones con comodidad y privacidad, y el primer y único **Centro de Diálisis Ambulatoria**
pediátrica del estado: dos instalaciones de primera donde niños de todo el estado y de la región
puedan recibir atención de primer nivel cerca de casa.

- Los sillones de infusión pasarán **de seis a doce**, en cubículos de tratamiento privados con
  espacio suficiente para que la familia permanezca unida.
- Un espacio abierto y pensado para los niños les dará lugar para recuperarse y encontrar alivio
  entre un procedimiento y otro.
- El Centro de Diálisis ofrecerá un servicio que no existe en ningún otro lugar del estado.
- Ambos centros contarán con equipos de última generación y, por supuesto, con el personal más
  dedicado y cariñoso.

Los nuevos centros tratarán la enfermedad de Crohn, la colitis ulcerosa, la artritis idiopática
juvenil, la enfermedad renal y muchas otras enfermedades crónicas, para pacientes de nueve
divisiones: Gastroenterología, Reumatología, Enfermedades Infecciosas, Endocrinología, Genética,
Neurología, Cardiología, Neumología y Urología/Nefrología. Nos permitirán responder a la necesidad
de más espacio clínico, optimizar la atención y ampliar los servicios para un número cada vez
mayor de niños.

## ¿Qué es la terapia de infusión?

Una infusión administra un medicamento o tratamiento directamente en una vena cuando la
enfermedad de un niño es demasiado grave para tratarla con medicamentos por boca o con
inyecciones. Para algunos niños basta con una visita. Para otros, como los niños con enfermedad
de Crohn, las infusiones son continuas: visitas semanales o mensuales que pueden durar todo el día
y prolongarse durante años. Una sola infusión puede tardar entre 30 minutos y ocho horas.

Atendemos a bebés, niños y adolescentes con trastornos gastrointestinales, artritis idiopática
juvenil, enfermedades infecciosas, inmunodeficiencias, trastornos endocrinos y más. Para muchos de
ellos, las infusiones comienzan a temprana edad y forman parte de una “nueva normalidad”. Queremos
que esa normalidad se sienta tan segura y acogedora como sea posible.

## Únase a nosotros

Desde niños con enfermedad inflamatoria intestinal hasta niños con enfermedades neurológicas de
origen inmunitario y enfermedades óseas graves, los nuevos centros mejorarán en gran medida la
atención que reciben nuestros pacientes, y darán a los niños y sus familias la oportunidad de
conocerse, hacer amigos y apoyarse mutuamente mientras reciben la atención de más alta calidad
disponible en la región.

Acompáñenos a construir los nuevos Centros de Infusión y de Diálisis Ambulatoria. La campaña ya
está en marcha: [lea la última novedad en nuestro blog](/updates/).
"""

# Parallel to FIGURES, DIVISIONS and MILESTONES; DESIGNATIONS_ES by slug.
FIGURES_ES = [
    ("3,000+", "infusiones al año"),
    ("6 → 12", "sillones de infusión"),
    ("1.er", "centro de diálisis ambulatoria pediátrica del estado"),
    ("363", "pies cuadrados: la sala de infusión hoy"),
]

DIVISIONS_ES = [
    "Gastroenterología",
    "Reumatología",
    "Enfermedades Infecciosas",
    "Endocrinología",
    "Genética",
    "Neurología",
    "Cardiología",
    "Neumología",
    "Urología y Nefrología",
]

DESIGNATIONS_ES = {
    "infusion-center": {
        "name": "Centro de Infusión",
        "description": "Doce sillones de infusión en cubículos privados, con lugar para toda la familia.",
    },
    "dialysis-center": {
        "name": "Centro de Diálisis",
        "description": "El primer centro de diálisis ambulatoria pediátrica del estado.",
    },
    "greatest-need": {
        "name": "Donde más se necesite",
        "description": "Donde los dos centros más lo necesiten.",
    },
}

MILESTONES_ES = [
    "Diseño terminado, comienza la construcción",
    "Doce sillones de infusión en cubículos privados",
    "Estaciones de diálisis y sistema de tratamiento de agua instalados",
    "Ambos centros abren sus puertas a los niños",
]

UPDATE_IMAGE_ALT = "An illustration of the children’s hospital at sunrise."
UPDATE_IMAGE_ALT_ES = "Ilustración del hospital infantil al amanecer."

# By slug: (title, summary, body). The draft stays English-only: staff translate it when it is ready.
UPDATES_ES = {
    "campaign-launch": (
        "La campaña está en marcha",
        "Lanzamos la campaña para los nuevos Centros de Infusión y de Diálisis Ambulatoria.",
        """\
Hoy lanzamos nuestra campaña para construir dos centros de primera en Connecticut Children’s: un
**Centro de Infusión** más amplio y el primer **Centro de Diálisis Ambulatoria** pediátrica del estado.

Gracias a las familias, los médicos y las enfermeras que compartieron sus historias con nosotros
mientras hacíamos los planes. Cada donación, de cualquier monto, acerca estos centros.

[Lea la historia completa](/) y siga nuestro progreso aquí.
""",
    ),
    "meet-the-infusion-team": (
        "Conozca a las enfermeras de la sala de infusión",
        "Seis sillones, 363 pies cuadrados y un equipo que cada día la hace sentir más grande.",
        """\
Nuestras enfermeras de infusión cuidan a niños que vuelven semana tras semana, a veces durante años.
Saben qué niño prefiere el asiento junto a la ventana, quién necesita una manta calientita y cuál
es la película favorita que se repite una y otra vez.

> “Los niños merecen un espacio tan grande como su valentía.” (una de nuestras enfermeras de infusión)

En el nuevo Centro de Infusión, cada familia tendrá un cubículo privado con lugar para que uno de
los padres se quede cerca, y el equipo por fin tendrá el espacio para hacer lo que mejor sabe hacer.
""",
    ),
    "first-milestone-reached": (
        "Primera meta alcanzada: comienza la construcción",
        "Gracias a usted, el diseño está terminado y puede comenzar la construcción de los nuevos centros.",
        """\
Alcanzamos nuestra primera meta: **el diseño está terminado y comienza la construcción**.

Los arquitectos trabajaron con pacientes, familias y personal clínico para planear cubículos de
tratamiento luminosos y privados, un rincón de juegos y una sala para las familias. Lo siguiente:
los doce sillones de infusión.
""",
    ),
    "dialysis-center-design-preview": (
        "Un primer vistazo al Centro de Diálisis",
        "Los planos del primer centro de diálisis ambulatoria pediátrica del estado.",
        """\
Un primer vistazo a los planos del Centro de Diálisis: cuatro estaciones de diálisis, un rincón
escolar para que los niños no se atrasen en clase y una sala tranquila para las familias.
""",
    ),
}
