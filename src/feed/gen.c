/* Deterministic synthetic sales: a product and customer catalog built from the seed, invoices
 * drawn from skewed distributions so that popular products and customers repeat. */
#include "feed/gen.h"

#include "json/write.h"
#include "util/alloc.h"
#include "util/time.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#define GEN_PRODUCTS 3800
#define GEN_CUSTOMERS 4400

typedef struct gen_product {
    char no[8];
    char name[64];
    double price;
} gen_product;

typedef struct gen_customer {
    int32_t no;
    uint16_t country;
} gen_customer;

struct silt_gen {
    uint64_t s[4]; /* xoshiro256** state */
    gen_product *products;
    gen_customer *customers;
    /* current invoice */
    int64_t invoice_no;
    int lines_left;
    bool cancelled;
    bool anonymous;
    uint32_t customer;
    int64_t day; /* days since epoch */
    int invoices_today;
    int invoices_per_day;
};

static const char *const countries[] = {
    "United Kingdom",
    "Germany",
    "France",
    "EIRE",
    "Spain",
    "Netherlands",
    "Belgium",
    "Switzerland",
    "Portugal",
    "Australia",
    "Norway",
    "Italy",
    "Channel Islands",
    "Finland",
    "Cyprus",
    "Sweden",
    "Austria",
    "Denmark",
    "Japan",
    "Poland",
    "Israel",
    "USA",
    "Hong Kong",
    "Singapore",
    "Iceland",
    "Canada",
    "Greece",
    "Malta",
    "United Arab Emirates",
    "European Community",
    "RSA",
    "Lebanon",
    "Lithuania",
    "Brazil",
    "Czech Republic",
    "Bahrain",
    "Saudi Arabia",
    "Unspecified",
};
#define N_COUNTRIES (sizeof countries / sizeof countries[0])

static const char *const adjectives[] = {
    "Vintage",   "Retro",   "Regency",   "Antique",      "Rustic",    "Classic",  "Small",
    "Large",     "Mini",    "Jumbo",     "Wooden",       "Glass",     "Ceramic",  "Enamel",
    "Paper",     "Metal",   "Hanging",   "Folding",      "Set Of 3",  "Set Of 6", "Pack Of 12",
    "Heart",     "Star",    "Spotty",    "Floral",       "Party",     "Garden",   "Kitchen",
    "Christmas", "Easter",  "Victorian", "Scandinavian", "French",    "Woodland", "Polkadot",
    "Paisley",   "Gingham", "Colour",    "Magic",        "Sweetheart"};
static const char *const colours[] = {"Red",   "Pink", "Blue",   "Green",  "White", "Ivory",
                                      "Black", "Gold", "Silver", "Pastel", "Cream", "Purple",
                                      "Lilac", "Mint", "Orange", "Yellow", "Grey",  "Natural",
                                      "Teal",  "Rose", "Zinc",   "Bronze", "Coral", "Copper"};
static const char *const nouns[] = {"T-Light Holder",
                                    "Cake Stand",
                                    "Lunch Bag",
                                    "Jam Jar",
                                    "Photo Frame",
                                    "Bunting",
                                    "Doormat",
                                    "Tea Cup And Saucer",
                                    "Storage Tin",
                                    "Chalkboard",
                                    "Alarm Clock",
                                    "Water Bottle",
                                    "Shopping Bag",
                                    "Cushion Cover",
                                    "Lantern",
                                    "Wall Clock",
                                    "Mug",
                                    "Tissue Box",
                                    "Gift Wrap",
                                    "Greeting Card",
                                    "Candle",
                                    "Coat Rack",
                                    "Key Ring",
                                    "Notebook",
                                    "Trinket Box",
                                    "Egg Cup",
                                    "Plate",
                                    "Bowl",
                                    "Recipe Box",
                                    "Picnic Basket",
                                    "Paper Chain Kit",
                                    "Baking Set",
                                    "Apron",
                                    "Oven Glove",
                                    "Tea Towel",
                                    "Hot Water Bottle",
                                    "Door Sign",
                                    "Bird Feeder",
                                    "Garland",
                                    "Wreath",
                                    "Snow Globe",
                                    "Money Box",
                                    "Pencil Case",
                                    "Sticker Sheet",
                                    "Jigsaw",
                                    "Wind Chime",
                                    "Market Crate",
                                    "Chopping Board",
                                    "Soap Dish",
                                    "Lampshade",
                                    "Napkins",
                                    "Cutlery Set",
                                    "Plant Pot",
                                    "Watering Can",
                                    "Bath Sponge",
                                    "Hair Clip",
                                    "Umbrella",
                                    "Wash Bag",
                                    "Magnet",
                                    "Bell"};
#define N_ADJ (sizeof adjectives / sizeof adjectives[0])
#define N_COL (sizeof colours / sizeof colours[0])
#define N_NOUN (sizeof nouns / sizeof nouns[0])

static inline uint64_t rotl(uint64_t x, int k)
{
    return (x << k) | (x >> (64 - k));
}

static uint64_t next_u64(silt_gen *g)
{
    uint64_t *s = g->s;
    uint64_t r = rotl(s[1] * 5, 7) * 9;
    uint64_t t = s[1] << 17;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 45);
    return r;
}

/* Uniform in [0, n). */
static uint32_t uniform(silt_gen *g, uint32_t n)
{
    return (uint32_t)(((next_u64(g) >> 32) * (uint64_t)n) >> 32);
}

static double unit(silt_gen *g)
{
    return (double)(next_u64(g) >> 11) * (1.0 / 9007199254740992.0);
}

/* Skewed index in [0, n): small indices much more likely (roughly Zipf-like). */
static uint32_t skewed(silt_gen *g, uint32_t n)
{
    double u = unit(g);
    uint32_t i = (uint32_t)(n * u * u * u);
    return i < n ? i : n - 1;
}

static uint64_t splitmix(uint64_t *x)
{
    uint64_t z = (*x += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

int silt_gen_create(silt_gen **out, uint64_t seed, silt_error *err)
{
    *out = NULL;
    silt_gen *g = silt_calloc(1, sizeof *g);
    if (!g) goto oom;
    uint64_t x = seed;
    for (int i = 0; i < 4; i++) g->s[i] = splitmix(&x);
    g->products = silt_calloc(GEN_PRODUCTS, sizeof *g->products);
    g->customers = silt_calloc(GEN_CUSTOMERS, sizeof *g->customers);
    if (!g->products || !g->customers) goto oom;
    /* Products: distinct (adjective, colour, noun) triples picked by a stride through the space
     * of N_ADJ * N_COL * N_NOUN combinations; stock codes distinct by construction. */
    uint32_t space = (uint32_t)(N_ADJ * N_COL * N_NOUN);
    uint32_t start = uniform(g, space), stride = 7919; /* prime, coprime with space */
    for (uint32_t i = 0; i < GEN_PRODUCTS; i++) {
        gen_product *p = &g->products[i];
        uint32_t k = (start + i * stride) % space;
        uint32_t a = k % N_ADJ, c = (k / N_ADJ) % N_COL, nn = k / (N_ADJ * N_COL);
        snprintf(p->name, sizeof p->name, "%s %s %s", adjectives[a], colours[c], nouns[nn]);
        uint32_t code = 20000 + i * 21 + uniform(g, 21);
        if (uniform(g, 10) == 0)
            snprintf(p->no, sizeof p->no, "%u%c", code, 'A' + (int)uniform(g, 7));
        else
            snprintf(p->no, sizeof p->no, "%u", code);
        /* log-uniform between about 1 and 100, two decimals */
        double price = exp(unit(g) * 4.6) + 0.5;
        p->price = round(price * 100.0) / 100.0;
    }
    for (uint32_t i = 0; i < GEN_CUSTOMERS; i++) {
        g->customers[i].no = (int32_t)(12346 + i * 2 + uniform(g, 2));
        /* ~88% United Kingdom, the rest skewed over the other countries */
        g->customers[i].country =
            uniform(g, 100) < 88 ? 0 : (uint16_t)(1 + skewed(g, (uint32_t)N_COUNTRIES - 1));
    }
    g->invoice_no = 536365;
    g->day = silt_time_days_from_civil(2018, 12, 1);
    g->invoices_per_day = 60;
    *out = g;
    return 0;
oom:
    silt_gen_destroy(g);
    return silt_error_set(err, SILT_ENOMEM, "out of memory creating the data generator");
}

void silt_gen_destroy(silt_gen *g)
{
    if (!g) return;
    silt_free(g->products);
    silt_free(g->customers);
    silt_free(g);
}

static const int quantities[] = {1,  1,  2,  2,  3,  4,  4,  6,  6,  8,  10,
                                 12, 12, 12, 24, 24, 36, 48, 72, 96, 144};

void silt_gen_next(silt_gen *g, silt_gen_row *out)
{
    if (g->lines_left == 0) {
        g->invoice_no++;
        g->lines_left = 1 + (int)skewed(g, 30);
        g->cancelled = uniform(g, 1000) < 60;
        g->anonymous = uniform(g, 1000) < 5;
        g->customer = skewed(g, GEN_CUSTOMERS);
        if (g->cancelled) g->lines_left = 1 + (int)uniform(g, 6);
        if (++g->invoices_today >= g->invoices_per_day) {
            g->invoices_today = 0;
            g->day += 1 + (uniform(g, 7) == 0);
            g->invoices_per_day = 30 + (int)uniform(g, 90);
        }
    }
    g->lines_left--;
    snprintf(out->transaction_no, sizeof out->transaction_no, "%s%lld", g->cancelled ? "C" : "",
             (long long)g->invoice_no);
    int64_t y;
    unsigned m, d;
    silt_time_civil_from_days(g->day, &y, &m, &d);
    snprintf(out->date, sizeof out->date, "%u/%u/%lld", m, d, (long long)y);
    const gen_product *p = &g->products[skewed(g, GEN_PRODUCTS)];
    out->product_no = p->no;
    out->product_name = p->name;
    out->price = p->price;
    int64_t q = quantities[uniform(g, sizeof quantities / sizeof quantities[0])];
    out->quantity = g->cancelled ? -q : q;
    const gen_customer *c = &g->customers[g->customer];
    out->has_customer = !g->anonymous;
    out->customer_no = c->no;
    out->country = countries[c->country];
}

static silt_json_value text(const char *s)
{
    silt_json_value v = {.type = SILT_JSON_STRING};
    v.u.s.ptr = s;
    v.u.s.len = strlen(s);
    return v;
}

int silt_gen_row_to_json(silt_buf *out, const silt_gen_row *row, unsigned flags)
{
    static const char *const keys[] = {"TransactionNo", "Date",     "ProductNo",  "ProductName",
                                       "Price",         "Quantity", "CustomerNo", "Country"};
    silt_json_value v[8] = {text(row->transaction_no), text(row->date), text(row->product_no),
                            text(row->product_name)};
    v[4].type = SILT_JSON_DOUBLE;
    v[4].u.d = row->price;
    v[5].type = SILT_JSON_INT;
    v[5].u.i = row->quantity;
    v[6].type = row->has_customer ? SILT_JSON_DOUBLE : SILT_JSON_NULL;
    v[6].u.d = row->customer_no;
    v[7] = text(row->country);
    return silt_json_write_object(out, keys, v, 8, flags);
}
