# ruff: noqa: E501 - the pages are prose: a line is a paragraph
"""
The privacy policy, terms of use and contact page for `manage.py seed_demo`: sensible starting
text that the foundation's staff (and counsel) then edit in the admin. Idempotent: a page is
created once; a later run only fills a blank Spanish version of text staff have not changed.
"""

from django.conf import settings
from django.db import transaction

from core.localization import translation_fill

from .models import SitePage

DEVELOPMENT_PHONE = "(860) 555-0100"
DEVELOPMENT_EMAIL = "giving@example.org"
DESTINATION_CARE_PHONE = "(860) 555-0150"
DESTINATION_CARE_EMAIL = "destinationcare@example.org"


def _pages() -> dict[str, dict[str, str]]:
    org, legal, ein, address = settings.ORG_NAME, settings.ORG_LEGAL_NAME, settings.ORG_TAX_ID, settings.ORG_ADDRESS
    retention = settings.INQUIRY_RETENTION_DAYS
    return {
        SitePage.Kind.PRIVACY: {
            "title": "Privacy policy for donors",
            "body": f"""{legal} ("we") runs this site. This policy is for donors: what we collect when you give, why, how long we keep it, who sees it and how to ask us to delete it. Families and physicians who contact Destination Care have [their own privacy policy](/privacy/destination-care/).

**What we collect.** The amount, designation and frequency of your gift; the name you choose for the donor wall and your message, if any; a dedication and the honoree's name and email, if you give one; and, from our payment processor Stripe, your name, email and billing address. Your card details are entered on Stripe's page and never reach us.

**Why.** To process your gift, send your tax receipt, thank you, tell an honoree about a gift made in their name (at most one note a day), and keep the records the law requires of a charity.

**How long.** Gift and receipt records are kept for seven years, as tax law requires. Your donor-wall name and message stay on the campaign page while it is online.

**Who sees it.** Our development and finance staff, and Stripe, which processes the payment. We never sell, rent or trade donor information. Messages appear on the donor wall only after our staff have read them; choose "give anonymously" and your name is never shown.

**Your choices.** To see, correct or delete what we hold about you, or to stop hearing from us, write to {DEVELOPMENT_EMAIL} or call {DEVELOPMENT_PHONE}. We answer within 30 days. Records the law makes us keep are kept, but no longer used to contact you.

## Cookies

This site sets a language cookie when you choose a language, and a session cookie during a gift. No advertising or tracking cookies.

## Contact

{legal}, {address}. EIN {ein}. See [Contact us](/contact/).
""",
            "title_es": "Política de privacidad para donantes",
            "body_es": f"""{legal} ("nosotros") gestiona este sitio. Esta política es para donantes: qué datos recogemos cuando dona, para qué, cuánto tiempo los guardamos, quién los ve y cómo pedir que los borremos. Las familias y los médicos que contactan con Destination Care tienen [su propia política de privacidad](/privacy/destination-care/).

**Qué recogemos.** El importe, el destino y la frecuencia de su donativo; el nombre que elija para el muro de donantes y su mensaje, si lo deja; una dedicatoria con el nombre y el correo de la persona homenajeada, si la indica; y, a través de Stripe, nuestro procesador de pagos, su nombre, correo y dirección de facturación. Los datos de su tarjeta se introducen en la página de Stripe y nunca llegan a nosotros.

**Para qué.** Para procesar su donativo, enviarle el recibo fiscal, darle las gracias, avisar a la persona homenajeada (como mucho una nota al día) y guardar los registros que la ley exige a una entidad benéfica.

**Cuánto tiempo.** Los registros de donativos y recibos se guardan siete años, como exige la ley fiscal. Su nombre y su mensaje en el muro de donantes siguen en la página de la campaña mientras esté publicada.

**Quién los ve.** Nuestro personal de desarrollo y de finanzas, y Stripe, que procesa el pago. Nunca vendemos, alquilamos ni intercambiamos datos de donantes. Los mensajes aparecen en el muro de donantes solo después de que nuestro personal los haya leído; si elige donar de forma anónima, su nombre no se muestra nunca.

**Sus opciones.** Para ver, corregir o borrar sus datos, o para dejar de recibir noticias nuestras, escriba a {DEVELOPMENT_EMAIL} o llame al {DEVELOPMENT_PHONE}. Respondemos en 30 días. Los registros que la ley nos obliga a conservar se conservan, pero ya no se usan para contactarle.

## Cookies

Este sitio guarda una cookie de idioma cuando usted elige un idioma y una cookie de sesión durante un donativo. Ninguna cookie de publicidad ni de seguimiento.

## Contacto

{legal}, {address}. EIN {ein}. Vea [Contacto](/contact/).
""",
        },
        SitePage.Kind.PRIVACY_FAMILIES: {
            "title": "Privacy policy for Destination Care families and physicians",
            "body": f"""{legal} ("we") runs this site. This policy is for families and physicians who send a Destination Care inquiry or referral. Donors have [their own privacy policy](/privacy/).

**What we collect.** What you tell us in an inquiry or a referral: names and contact details, the child's initials and age, country, the care sought, and any medical details you choose to share.

**Why.** Only to answer you and to help arrange the child's care. It is never used for fundraising and never shown to development staff.

**How long.** A request is erased, with every personal and medical detail, {retention} days after it is closed; only anonymous counts are kept.

**Who sees it.** Our Destination Care coordinators, and the clinicians they involve with your agreement. The form travels encrypted, and the request is kept out of email: coordinators read it only after signing in.

**Your choices.** To see, correct or delete a request, write to {DESTINATION_CARE_EMAIL} or call {DESTINATION_CARE_PHONE}.

## Cookies

This site sets a language cookie when you choose a language, and a session cookie during a gift. No advertising or tracking cookies.

## Contact

{legal}, {address}. EIN {ein}. See [Contact us](/contact/).
""",
            "title_es": "Política de privacidad para familias y médicos de Destination Care",
            "body_es": f"""{legal} ("nosotros") gestiona este sitio. Esta política es para familias y médicos que envían una consulta o una derivación a Destination Care. Los donantes tienen [su propia política de privacidad](/privacy/).

**Qué recogemos.** Lo que nos cuente en una consulta o una derivación: nombres y datos de contacto, las iniciales y la edad del niño o la niña, el país, la atención que busca y los datos médicos que decida compartir.

**Para qué.** Solo para responderle y ayudar a organizar la atención. Nunca se usa para recaudar fondos ni lo ve el personal de desarrollo.

**Cuánto tiempo.** Una solicitud se borra, con todos sus datos personales y médicos, {retention} días después de cerrarse; solo se guardan recuentos anónimos.

**Quién los ve.** Nuestros coordinadores de Destination Care y los profesionales clínicos que intervengan con su acuerdo. El formulario viaja cifrado y la solicitud no se envía por correo: los coordinadores la leen después de iniciar sesión.

**Sus opciones.** Para ver, corregir o borrar una solicitud, escriba a {DESTINATION_CARE_EMAIL} o llame al {DESTINATION_CARE_PHONE}.

## Cookies

Este sitio guarda una cookie de idioma cuando usted elige un idioma y una cookie de sesión durante un donativo. Ninguna cookie de publicidad ni de seguimiento.

## Contacto

{legal}, {address}. EIN {ein}. Vea [Contacto](/contact/).
""",
        },
        SitePage.Kind.TERMS: {
            "title": "Terms of use",
            "body": f"""This site is run by {legal}, a nonprofit organization (EIN {ein}). By using it you agree to these terms.

## Gifts

- Gifts are made in US dollars through Stripe. A gift is received when the payment succeeds; you get a receipt by email.
- {legal} is a tax-exempt organization under Section 501(c)(3) of the Internal Revenue Code. Gifts are tax-deductible to the extent allowed by law; no goods or services are provided in exchange.
- We use each gift for the campaign or designation you chose. If a campaign raises more than it needs, or its purpose can no longer be met, we use the gift where the need is greatest.
- A monthly gift can be changed or stopped at any time from [Manage a monthly gift](/donate/manage/).
- If a gift was made in error, contact us within 30 days at {DEVELOPMENT_EMAIL} and we will refund it.

## Donor wall

Names and messages you send for the donor wall must be your own words and suitable for a children's hospital. Our staff read every message before it is shown and may decline any of them.

## Destination Care

The Destination Care forms are for arranging care, not for emergencies: in an emergency call your local emergency number. Sending a form does not create a doctor–patient relationship.

## The content

The stories, pictures and text on this site belong to {org} or are used with permission. You may share links to them.

## Contact

{legal}, {address}. See [Contact us](/contact/).
""",
            "title_es": "Condiciones de uso",
            "body_es": f"""Este sitio lo gestiona {legal}, una organización sin fines de lucro (EIN {ein}). Al usarlo, acepta estas condiciones.

## Donativos

- Los donativos se hacen en dólares estadounidenses a través de Stripe. Un donativo se recibe cuando el pago se completa; recibirá un recibo por correo.
- {legal} es una organización exenta de impuestos según la Sección 501(c)(3) del Código de Rentas Internas de EE. UU. Los donativos son deducibles en la medida que permita la ley; no se entregan bienes ni servicios a cambio.
- Usamos cada donativo para la campaña o el destino que usted eligió. Si una campaña recauda más de lo necesario, o su fin ya no puede cumplirse, usamos el donativo donde la necesidad sea mayor.
- Una donación mensual se puede cambiar o cancelar en cualquier momento desde [Gestionar una donación mensual](/donate/manage/).
- Si hizo un donativo por error, contáctenos en un plazo de 30 días en {DEVELOPMENT_EMAIL} y se lo devolveremos.

## Muro de donantes

Los nombres y mensajes que envíe para el muro de donantes deben ser suyos y adecuados para un hospital infantil. Nuestro personal lee cada mensaje antes de publicarlo y puede no publicarlo.

## Destination Care

Los formularios de Destination Care sirven para organizar la atención, no para emergencias: en una emergencia llame al número de emergencias local. Enviar un formulario no crea una relación médico-paciente.

## El contenido

Las historias, imágenes y textos de este sitio pertenecen a {org} o se usan con permiso. Puede compartir enlaces a ellos.

## Contacto

{legal}, {address}. Vea [Contacto](/contact/).
""",
        },
        SitePage.Kind.CONTACT: {
            "title": "Contact us",
            "body": f"""## Giving and the campaign

Our development office answers questions about gifts, receipts, monthly giving, gifts by check, stock or wire, and larger gifts.

- Phone: [{DEVELOPMENT_PHONE}](tel:{DEVELOPMENT_PHONE.replace(" ", "")}) (Monday to Friday, 9 am to 5 pm Eastern)
- Email: [{DEVELOPMENT_EMAIL}](mailto:{DEVELOPMENT_EMAIL})
- Mail: {legal}, Development Office, {address}

## Destination Care

For families and physicians arranging care for a child from out of state or abroad. You can also [send an inquiry or a referral](/destination-care/#form).

- Phone: [{DESTINATION_CARE_PHONE}](tel:{DESTINATION_CARE_PHONE.replace(" ", "")})
- Email: [{DESTINATION_CARE_EMAIL}](mailto:{DESTINATION_CARE_EMAIL})

In a medical emergency, call your local emergency number.

## Privacy

To see, correct or delete what we hold about you, see our privacy policies for [donors](/privacy/) and for [Destination Care families](/privacy/destination-care/).
""",
            "title_es": "Contacto",
            "body_es": f"""## Donativos y la campaña

Nuestra oficina de desarrollo responde preguntas sobre donativos, recibos, donaciones mensuales, donativos por cheque, acciones o transferencia, y donativos mayores.

- Teléfono: [{DEVELOPMENT_PHONE}](tel:{DEVELOPMENT_PHONE.replace(" ", "")}) (de lunes a viernes, de 9 a 17 h, hora del Este)
- Correo: [{DEVELOPMENT_EMAIL}](mailto:{DEVELOPMENT_EMAIL})
- Correo postal: {legal}, Development Office, {address}

## Destination Care

Para familias y médicos que organizan la atención de un niño o una niña de otro estado o de otro país. También puede [enviar una consulta o una derivación](/destination-care/#form).

- Teléfono: [{DESTINATION_CARE_PHONE}](tel:{DESTINATION_CARE_PHONE.replace(" ", "")})
- Correo: [{DESTINATION_CARE_EMAIL}](mailto:{DESTINATION_CARE_EMAIL})

En una emergencia médica, llame al número de emergencias local.

## Privacidad

Para ver, corregir o borrar sus datos, consulte nuestras políticas de privacidad para [donantes](/privacy/) y para [familias de Destination Care](/privacy/destination-care/).
""",
        },
    }


@transaction.atomic
def seed_site_pages(*, stdout=None) -> None:
    from core.cache import pages_invalidate_on_commit

    for kind, text in _pages().items():
        original = {"title": text["title"], "body": text["body"]}
        page, created = SitePage.objects.get_or_create(kind=kind, defaults=original)
        changed = translation_fill(
            page, original=original, translated={"title": text["title_es"], "body": text["body_es"]}
        )
        if changed:
            page.save(update_fields=[*changed, "updated_at"])
        if stdout is not None:
            stdout.write(f"Page “{page.title}”: {'created' if created else 'already there, left as it is'}.")
    pages_invalidate_on_commit(content=True)
