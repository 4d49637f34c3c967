"""
The demo campaign's naming opportunities (seed_demo): the two centers, the twelve infusion bays,
the dialysis stations, the nurses' station, the playroom and the family lounge, with their prices
and their places on the plan's 48 × 30 grid; and its giving societies.
"""

import datetime

from django.db import transaction
from django.utils import timezone

from campaign.models import Campaign

from . import services
from .models import Center, NamingOpportunity, RecognitionLevel

BAY = (
    "A private, family-sized bay with its own infusion chair.",
    "Una sala privada, con espacio para la familia y su propio sillón de infusión.",
)
STATION = (
    "A pediatric dialysis station, with room for a parent beside it.",
    "Un puesto de diálisis pediátrica, con lugar para que un padre o madre se quede al lado.",
)


def _spaces() -> list[dict]:
    spaces = [
        dict(
            name="Infusion Center",
            name_es="Centro de Infusión",
            center=Center.INFUSION,
            price=1_500_000,
            description="The whole new Infusion Center, with twelve private bays.",
            description_es="Todo el nuevo Centro de Infusión, con doce salas privadas.",
            xywh=(0, 0, 28, 30),
            designation="infusion-center",
        ),
        dict(
            name="Dialysis Center",
            name_es="Centro de Diálisis",
            center=Center.DIALYSIS,
            price=1_500_000,
            description="The state’s first pediatric outpatient dialysis center.",
            description_es="El primer centro de diálisis ambulatoria pediátrica del estado.",
            xywh=(34, 0, 14, 30),
            designation="dialysis-center",
        ),
        dict(
            name="Family lounge",
            name_es="Sala para familias",
            center=Center.BOTH,
            price=250_000,
            description="Where families of both centers rest, eat and wait between treatments.",
            description_es="Donde las familias de los dos centros descansan, comen y esperan entre tratamientos.",
            xywh=(28, 10, 6, 10),
            designation="",
        ),
        dict(
            name="Playroom",
            name_es="Sala de juegos",
            center=Center.INFUSION,
            price=150_000,
            description="Toys, books and games for a long day of treatment.",
            description_es="Juguetes, libros y juegos para un largo día de tratamiento.",
            xywh=(15, 19, 11, 8),
            designation="infusion-center",
        ),
        dict(
            name="Nurses’ station",
            name_es="Estación de enfermería",
            center=Center.INFUSION,
            price=100_000,
            description="Where the nurses watch over every bay.",
            description_es="Desde donde las enfermeras cuidan cada sala.",
            xywh=(2, 19, 11, 8),
            designation="infusion-center",
        ),
    ]
    for number in range(12):
        row, column = divmod(number, 6)
        spaces.append(
            dict(
                name=f"Bay {number + 1}",
                name_es=f"Sala {number + 1}",
                center=Center.INFUSION,
                price=25_000,
                description=BAY[0],
                description_es=BAY[1],
                xywh=(2 + 4 * column, 3 + 7 * row, 4, 6),
                designation="infusion-center",
            )
        )
    for number in range(6):
        row, column = divmod(number, 2)
        spaces.append(
            dict(
                name=f"Station {number + 1}",
                name_es=f"Puesto {number + 1}",
                center=Center.DIALYSIS,
                price=50_000,
                description=STATION[0],
                description_es=STATION[1],
                xywh=(35 + 6 * column, 3 + 7 * row, 5, 6),
                designation="dialysis-center",
            )
        )
    order = ["Infusion Center", *[f"Bay {n}" for n in range(1, 13)], "Nurses’ station", "Playroom", "Family lounge"]
    order += ["Dialysis Center", *[f"Station {n}" for n in range(1, 7)]]
    # The staff's order is the reading order: each center, then what is inside it.
    return sorted(spaces, key=lambda space: order.index(space["name"]))


LEVELS = [
    ("Founders’ Circle", "Círculo de Fundadores", 25_000_00),
    ("Champions", "Campeones", 5_000_00),
    ("Friends of the Centers", "Amigos de los Centros", 1_000_00),
]

# A few spaces already spoken for, so the plan shows every status.
NAMED = {"Bay 1": "The Rivera Family", "Station 1": "In memory of Grace Okafor"}
HELD = {"Playroom": "Prospect: Hartford Rotary (call in two weeks)"}


@transaction.atomic
def seed_naming(*, campaign: Campaign, stdout=None) -> int:
    """Create what is missing (by name); leave staff's edits and claims as they are. Returns how many were added."""
    designations = {d.slug: d for d in campaign.designations.all()}
    existing = set(NamingOpportunity.objects.filter(campaign=campaign).values_list("name", flat=True))
    added = []
    for position, space in enumerate(_spaces()):
        if space["name"] in existing:
            continue
        x, y, w, h = space["xywh"]
        added.append(
            NamingOpportunity.objects.create(
                campaign=campaign,
                name=space["name"],
                name_es=space["name_es"],
                center=space["center"],
                price_cents=space["price"] * 100,
                description=space["description"],
                description_es=space["description_es"],
                designation=designations.get(space["designation"]),
                plan_x=x,
                plan_y=y,
                plan_w=w,
                plan_h=h,
                position=position,
            )
        )
    for opportunity in added:
        if opportunity.name in NAMED:
            services.space_name(opportunity=opportunity, recognition_name=NAMED[opportunity.name])
        elif opportunity.name in HELD:
            services.space_hold(
                opportunity=opportunity,
                holder_note=HELD[opportunity.name],
                expires_at=timezone.now() + datetime.timedelta(days=30),
            )
    for name, name_es, cents in LEVELS:
        RecognitionLevel.objects.get_or_create(
            campaign=campaign, threshold_cents=cents, defaults={"name": name, "name_es": name_es}
        )
    if stdout is not None and added:
        stdout.write(f"Created {len(added)} naming opportunities.")
    return len(added)
