import pytest

from destination.seed import seed_destination_content


@pytest.fixture
def seeded(db):
    seed_destination_content()


@pytest.fixture
def inquiry_data():
    """A complete, valid family inquiry as the browser would post it."""
    return {
        "contact_name": "Adaeze Okonkwo",
        "email": "adaeze@example.com",
        "phone": "0803 123 4567",
        "country": "NG",
        "preferred_contact": "phone",
        "preferred_language": "en",
        "age_value": "4",
        "age_unit": "years",
        "specialty": "cardiology",
        "condition": "Ventricular septal defect",
        "details": "Our cardiologist suggested surgery; we would like a second opinion.",
        "consent": "on",
    }


@pytest.fixture
def referral_data():
    """A complete, valid physician referral."""
    return {
        "contact_name": "Dr. Maria Souza",
        "practice": "Clinica Infantil Porto",
        "email": "msouza@example.org",
        "phone": "+55 11 98765-4321",
        "country": "BR",
        "patient_initials": "K.O.",
        "age_value": "9",
        "age_unit": "months",
        "specialty": "neurosurgery",
        "urgency": "soon",
        "details": "Myelomeningocele repaired at birth; progressive hydrocephalus, shunt evaluation requested.",
        "consent": "on",
    }
