SELECT date_add(Country, 'x') FROM sales
