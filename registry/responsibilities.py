"""Responsibility codes (casilla 53 of the Formulario 001) that the rules refer to by name.

The whole table, with DIAN's wording, is reference data (registry/data/responsabilidades.csv);
only the codes some rule or screen names get a constant here. Each comment gives DIAN's name.
"""

INCOME_TAX = "05"  # Impuesto sobre la renta y complementarios - régimen ordinario
INCOME_WITHHOLDING = "07"  # Retención en la fuente a título de renta
VAT_COMMON_REGIME = "11"  # Ventas régimen común (historical, replaced by 48)
VAT_SIMPLIFIED_REGIME = "12"  # Ventas régimen simplificado (historical, replaced by 49)
EXOGENOUS_INFORMANT = "14"  # Informante de exógena
CURRENCY_EXCHANGE_PROFESSIONAL = "17"  # Profesionales de compra y venta de divisas
FUEL_TAX = "32"  # Impuesto nacional a la gasolina y al ACPM
CONSUMPTION_TAX = "33"  # Impuesto nacional al consumo
# Régimen simplificado del impuesto nacional al consumo - restaurantes y bares (historical,
# replaced by 50)
CONSUMPTION_SIMPLIFIED_REGIME = "34"
BOOKKEEPING = "42"  # Obligado a llevar contabilidad
SIMPLE_REGIME = "47"  # Régimen Simple de Tributación - SIMPLE
VAT = "48"  # Impuesto sobre las ventas - IVA
NOT_VAT_RESPONSIBLE = "49"  # No responsable de IVA
NOT_CONSUMPTION_RESPONSIBLE = "50"  # No responsable de consumo restaurantes y bares
ELECTRONIC_INVOICING = "52"  # Facturador electrónico

# Removed from a record only through their own withdrawal request (retiro de IVA, retiro del
# impuesto al consumo), which puts the "no responsable" code in their place.
WITHDRAWN_BY_REQUEST = {VAT: NOT_VAT_RESPONSIBLE, CONSUMPTION_TAX: NOT_CONSUMPTION_RESPONSIBLE}
