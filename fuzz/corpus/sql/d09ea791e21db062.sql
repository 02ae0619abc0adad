SELECT uper(Country) FROM sales
