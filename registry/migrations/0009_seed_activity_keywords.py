"""The first everyday words of the CIIU search; officials add and correct them in the admin."""

from django.db import migrations

# (word, the CIIU wording it stands for)
KEYWORDS = [
    ("ropa", "prendas de vestir"),
    ("venta", "comercio"),
    ("venta", "comercio al por menor"),
    ("vender", "comercio"),
    ("venta", "expendio"),
    ("tienda", "comercio al por menor establecimientos no especializados alimentos"),
    ("tienda", "comercio al por menor"),
    ("barrio", "comercio al por menor establecimientos no especializados"),
    ("almacen", "comercio al por menor"),
    ("supermercado", "comercio al por menor establecimientos no especializados alimentos"),
    ("miscelanea", "comercio al por menor establecimientos no especializados"),
    ("restaurante", "expendio a la mesa de comidas"),
    ("comida", "expendio de comidas"),
    ("cafeteria", "expendio de comidas cafeterías"),
    ("bar", "expendio de bebidas alcohólicas"),
    ("taxi", "transporte de pasajeros"),
    ("conductor", "transporte de pasajeros"),
    ("bus", "transporte de pasajeros"),
    ("camion", "transporte de carga"),
    ("trasteo", "transporte de carga"),
    ("empleado", "asalariados"),
    ("trabajador", "asalariados"),
    ("salario", "asalariados"),
    ("pensionado", "pensionados"),
    ("jubilado", "pensionados"),
    ("estudiante", "personas naturales subsidiadas por terceros"),
    ("abogado", "actividades jurídicas"),
    ("notaria", "actividades jurídicas"),
    ("contador", "contabilidad"),
    ("medico", "práctica médica"),
    ("odontologo", "práctica odontológica"),
    ("dentista", "práctica odontológica"),
    ("veterinario", "veterinarias"),
    ("psicologo", "atención de la salud humana"),
    ("enfermera", "atención de la salud humana"),
    ("programador", "desarrollo de sistemas informáticos"),
    ("software", "desarrollo de sistemas informáticos"),
    ("arquitecto", "arquitectura"),
    ("ingeniero", "ingeniería"),
    ("consultor", "consultaría de gestión"),
    ("asesoria", "consultaría de gestión"),
    ("profesor", "educación"),
    ("clases", "otros tipos de educación"),
    ("tutor", "otros tipos de educación"),
    ("particulares", "otros tipos de educación"),
    ("peluqueria", "peluquería"),
    ("salon", "peluquería"),
    ("barberia", "peluquería"),
    ("panaderia", "panadería"),
    ("ferreteria", "ferretería"),
    ("drogueria", "productos farmacéuticos"),
    ("farmacia", "productos farmacéuticos"),
    ("zapatos", "comercio al por menor calzado"),
    ("zapatos", "fabricación de calzado"),
    ("zapateria", "comercio al por menor calzado"),
    ("celulares", "equipos de telecomunicaciones"),
    ("mecanico", "mantenimiento y reparación de vehículos automotores"),
    ("taller", "mantenimiento y reparación"),
    ("motos", "motocicletas"),
    ("hotel", "alojamiento en hoteles"),
    ("modista", "confección de prendas de vestir"),
    ("costura", "confección de prendas de vestir"),
    ("ganado", "ganado bovino"),
    ("vacas", "ganado bovino"),
    ("celador", "seguridad privada"),
    ("vigilancia", "seguridad privada"),
    ("aseo", "limpieza"),
    ("arriendo", "inmobiliarias bienes propios o arrendados"),
    ("mensajero", "mensajería"),
    ("domicilios", "mensajería"),
    ("gimnasio", "instalaciones deportivas"),
    ("fotografo", "fotografía"),
    ("disenador", "diseño"),
    ("lavanderia", "lavado y limpieza"),
    ("construccion", "construcción"),
    ("casas", "edificios residenciales"),
]


def seed(apps, schema_editor):
    ActivityKeyword = apps.get_model("registry", "ActivityKeyword")
    for word, means in KEYWORDS:
        ActivityKeyword.objects.get_or_create(word=word, means=means)


def unseed(apps, schema_editor):
    ActivityKeyword = apps.get_model("registry", "ActivityKeyword")
    for word, means in KEYWORDS:
        ActivityKeyword.objects.filter(word=word, means=means).delete()


class Migration(migrations.Migration):
    dependencies = [("registry", "0008_activity_keywords_and_spanish_search")]
    operations = [migrations.RunPython(seed, unseed)]
