"""Alto's vocabularies, spelled as its published OpenAPI spells them.

Each tuple's order is the code stored in the compact tables (a byte per record), so never
reorder an existing tuple: append only.
"""

from __future__ import annotations

RECORD_TYPES = ("Unspecified", "Sale", "Rent")
CATEGORIES = ("Unspecified", "Residential", "Commercial")
MANAGEMENT_TYPES = (
    "Unspecified", "NotManaged", "PartManaged", "Managed", "FullyManaged",
    "RentCollectionService", "LetOnly",
)  # fmt: skip
MAINTENANCE_TYPES = ("Unspecified", "MaintainedByLandlord", "MaintainedByUs")

# The 19 InventoryStatus values: the 18 of the agency allow-list (AL-02) plus Appraisal,
# which the list leaves out, so an Appraisal record is one the hub must skip by default.
INVENTORY_STATUSES = (
    "Unspecified", "Appraisal", "Available", "UnderOffer", "Completed", "Let", "LetAgreed",
    "LetMarketing", "Archived", "Suspended", "Withdrawn", "Instructed", "NotInstructed",
    "ExternallyLet", "UnderOfferMarketing", "UnderOfferAvailable", "Exchanged",
    "ExternallySold", "Reserved",
)  # fmt: skip

# Tenancy status is a free string in Alto; the article speaks of active, periodic, inactive.
TENANCY_STATUSES = ("Active", "Periodic", "Inactive")

# Contact roles stored per contact; the API shows them as persona, category and flags.
ROLE_TENANT = 0
ROLE_LANDLORD = 1
ROLE_POTENTIAL_LANDLORD = 2
ROLE_SUPPLIER = 3
ROLE_NAMES = ("tenant", "landlord", "potential_landlord", "supplier")
USER_TYPES = ("Client - Tenant", "Client - Landlord", "Client - Potential landlord", "Supplier")

# The supplier trades the hub accepts (AL-07), as Alto shows them.
LISTED_TRADES = (
    "Plumbing", "Window cleaning", "Gardening", "Gas", "Electricity", "Oil", "Water",
    "Bulk LPG", "Carpentry", "Pest control", "Building maintenance", "Contents insurance",
    "Building insurance", "Public liability insurance", "Council", "Sewerage",
    "Board contractor", "External printer", "Builder", "Landlords insurance",
    "Rent indemnity insurance", "Utility", "Electrician",
)  # fmt: skip
# Trades Alto agencies also record that the hub must not sync.
OTHER_TRADES = (
    "Locksmith", "Cleaning", "Decorator", "Removals", "Inventory clerk", "Surveyor",
    "Solicitor", "Photographer",
)  # fmt: skip
TRADES = LISTED_TRADES + OTHER_TRADES

TITLES = ("Mr", "Mrs", "Ms", "Miss", "Dr", "Mx")
RENTAL_FREQUENCIES = ("Monthly", "Weekly", "FourWeekly", "Quarterly")
PROPERTY_TYPES = ("Flat", "Terraced", "Semi-Detached", "Detached", "Maisonette", "Bungalow")
COMMERCIAL_TYPES = ("Office", "Retail", "Industrial", "Leisure")
BRANCH_IDS = ("2681", "2682", "3156")

# Alto's ChargeType enum, in its published order.
CHARGE_TYPES = (
    "Maintenance", "Deposit", "DepositToLandlord", "ReferencingFee", "AdministrationFee",
    "CheckInFee", "CheckOutFee", "TenancyAgreementFee", "CapitalExpenditure", "Cleaning",
    "Electrical", "Gardening", "Plumbing", "GasSafetyCheck", "EPC", "MaintenanceExpense",
    "InsuranceBuildings", "InsuranceContents", "InsuranceRentProtection", "UtilitiesWater",
    "UtilitiesCouncilTax", "UtilitiesElectricity", "UtilitiesGas", "Decorating",
    "BankCharges", "ServiceCharge", "GroundRent", "ElectricalSafetyCheck", "Appliances",
    "KeysLocksmith", "Inventory", "Furniture", "PortableApplianceTest", "LeadTest",
)  # fmt: skip
VAT_RATE_TYPES = ("Exempt", "Standard", "Reduced", "Zero", "StandardROI")
PAYMENT_METHODS = (
    "Unknown", "Bacs", "Cheque", "Cash", "StandingOrder", "DirectDebit", "Internet",
    "CreditCard", "DebitCard", "Transfer", "Journal", "ReceiptImport",
)  # fmt: skip
